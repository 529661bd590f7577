package dev.jtune.train;

import ai.djl.ndarray.NDManager;

/**
 * A held-out set evaluated with no gradient: every batch, in order, each time the loop evaluates. Its loss is the
 * sum of the batches' summed losses over the sum of their target tokens; the perplexity is {@code exp} of that.
 */
public interface HeldOut {

    /** How many batches one evaluation covers, &ge; 1. */
    int batches();

    /** The loss of batch {@code index} (0-based), its arrays created in {@code scope}, which the loop closes. */
    Loss compute(int index, NDManager scope);
}
