package dev.jtune.align;

import ai.djl.ndarray.NDArray;

/**
 * The causal language-modelling objective of pretraining and SFT: cross-entropy of each next token, summed over
 * the positions that carry a target. Callers divide by the number of target tokens of the whole accumulation
 * window (so long and short examples weigh per token, as in TRL and torchtune).
 */
public final class CausalLmLoss {

    /** The label value HF uses for positions without a target (prompt tokens, padding). */
    public static final int IGNORE = -100;

    private CausalLmLoss() {
    }

    /**
     * @param logits  (B, T, V) scores for the token after each position
     * @param targets (B, T) int64 next-token ids, any valid id where {@code weights} is 0
     * @param weights (B, T) float32, 1 where the position has a target, else 0
     * @return the summed negative log-likelihood, a scalar
     */
    public static NDArray summed(NDArray logits, NDArray targets, NDArray weights) {
        NDArray logProbs = logits.logSoftmax(-1);                           // (B, T, V)
        NDArray picked = logProbs.gather(targets.expandDims(-1), 2)        // (B, T, 1)
                .squeeze(-1);                                                // (B, T)
        return picked.mul(weights).sum().neg();                              // ()
    }

    /**
     * Next-token targets of a batch, ready to become the {@code targets} and {@code weights} arrays.
     *
     * @param ids     (B * T) next-token ids, 0 where there is none
     * @param weights (B * T) 1 where there is a target, else 0
     * @param count   how many targets: the normaliser of this batch's share of the loss
     */
    public record Targets(long[] ids, float[] weights, long count) {
    }

    /**
     * Shifts HF-style labels (aligned with the inputs, {@link #IGNORE} where there is no target) into next-token
     * targets: {@code target[t] = labels[t + 1]}; the last position has none.
     *
     * @param labels (B) x (T)
     */
    public static Targets shift(int[][] labels) {
        int b = labels.length;
        int t = labels[0].length;
        long[] ids = new long[b * t];
        float[] weights = new float[b * t];
        long count = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j + 1 < t; j++) {
                int next = labels[i][j + 1];
                if (next != IGNORE) {
                    ids[i * t + j] = next;
                    weights[i * t + j] = 1;
                    count++;
                }
            }
        }
        return new Targets(ids, weights, count);
    }
}
