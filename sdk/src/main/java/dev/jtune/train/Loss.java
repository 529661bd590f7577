package dev.jtune.train;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * What an objective returns for one micro-batch.
 *
 * @param sum          the loss SUMMED over the micro-batch's target units (a scalar in the autograd graph); the loop
 *                     divides the gradients by the target count of the whole accumulation window
 * @param targetTokens how many units {@code sum} adds up: target tokens for language modelling, pairs or sequences
 *                     for sequence-level losses; &ge; 0
 * @param tokens       tokens the model processed (prompt and padding included), for tokens/s and MFU; &ge; 0
 * @param metrics      extra figures to log (reward accuracy, KL, ...), averaged over the window's micro-batches
 */
public record Loss(NDArray sum, long targetTokens, long tokens, Map<String, Double> metrics) {

    public Loss {
        if (sum == null) {
            throw new IllegalArgumentException("loss sum is required");
        }
        if (sum.getShape().size() != 1) {
            throw new IllegalArgumentException("loss sum must be a scalar, got shape " + sum.getShape());
        }
        if (targetTokens < 0 || tokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, got " + targetTokens + " / " + tokens);
        }
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    /** A loss whose target units are also the tokens processed, with no extra metrics. */
    public static Loss of(NDArray sum, long targetTokens) {
        return new Loss(sum, targetTokens, targetTokens, Map.of());
    }
}
