package dev.jtune.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The log-probability a causal LM gives a whole completion: the sum over completion tokens of
 * {@code log p(token | everything before it)}, one number per sequence, as DPO and PPO use it. Labels follow
 * {@link CausalLmLoss}: aligned with the inputs, {@link CausalLmLoss#IGNORE} on prompt and padding; the prediction
 * made at position t is scored against {@code labels[t + 1]}.
 */
public final class CompletionLogProbs {

    private CompletionLogProbs() {
    }

    /**
     * @param logits (B, T, V) scores for the token after each position
     * @param labels (B) x (T) HF-style labels
     * @return (B) summed log-probabilities of each row's labelled tokens (0 for a row with none)
     */
    public static NDArray summed(NDArray logits, int[][] labels) {
        long b = logits.getShape().get(0);
        long t = logits.getShape().get(1);
        if (labels.length != b || labels[0].length != t) {
            throw new IllegalArgumentException("labels are " + labels.length + " x " + labels[0].length
                    + " but the logits are " + logits.getShape());
        }
        CausalLmLoss.Targets targets = CausalLmLoss.shift(labels);
        NDArray ids = logits.getManager().create(targets.ids(), new Shape(b, t));         // (B, T)
        NDArray weights = logits.getManager().create(targets.weights(), new Shape(b, t)); // (B, T)
        NDArray picked = logits.logSoftmax(-1)                                           // (B, T, V)
                .gather(ids.expandDims(-1), 2).squeeze(-1);                              // (B, T)
        return picked.mul(weights).sum(new int[] {1});                                   // (B)
    }

    /** How many labelled (completion) tokens each row has after the shift: the length DPO's IPO divides by. */
    public static int[] counts(int[][] labels) {
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            for (int j = 1; j < labels[i].length; j++) {
                if (labels[i][j] != CausalLmLoss.IGNORE) {
                    out[i]++;
                }
            }
        }
        return out;
    }
}
