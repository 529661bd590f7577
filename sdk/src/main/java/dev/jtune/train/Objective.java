package dev.jtune.train;

import ai.djl.ndarray.NDManager;

import java.util.Map;

/**
 * The training side of a recipe: takes its next micro-batch, runs the model and returns the summed loss.
 * It owns its data position, which checkpoints save through {@link #state()} so that a resumed run reads exactly
 * the batches an uninterrupted one would.
 */
public interface Objective {

    /**
     * Computes the loss of the next micro-batch, inside a gradient collector. Create every array in
     * {@code scope} (or call ops on arrays that live there): the loop closes it after the backward pass.
     */
    Loss next(NDManager scope);

    /**
     * The data position to resume from, as JSON-able values (numbers, strings, booleans, lists, maps). Called after
     * the last micro-batch of a checkpointed step.
     */
    Map<String, Object> state();

    /**
     * Moves to a position that {@link #state()} returned, after a JSON round trip: whole numbers come back as
     * {@code Long}, others as {@code Double}.
     */
    void restore(Map<String, Object> state);
}
