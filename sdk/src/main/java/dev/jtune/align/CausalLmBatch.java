package dev.jtune.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.model.AttentionMask;
import dev.jtune.model.LlamaModel;

/**
 * One batch for causal language modelling, rows padded on the right to one length.
 *
 * @param inputIds  (B) x (T) token ids
 * @param labels    (B) x (T) HF-style labels aligned with the inputs, {@link CausalLmLoss#IGNORE} where untrained
 * @param positions (B) x (T) RoPE positions of packed rows, or null for 0..T-1
 * @param segments  (B) x (T) example id of each token in packed rows (attention stays inside one), or null
 */
public record CausalLmBatch(int[][] inputIds, int[][] labels, int[][] positions, int[][] segments) {

    public CausalLmBatch {
        if (inputIds.length == 0 || inputIds.length != labels.length) {
            throw new IllegalArgumentException("a batch needs rows of ids and as many rows of labels");
        }
        int t = inputIds[0].length;
        for (int i = 0; i < inputIds.length; i++) {
            if (inputIds[i].length != t || labels[i].length != t) {
                throw new IllegalArgumentException("row " + i + " is not padded to length " + t);
            }
        }
    }

    /** Pads rows of different lengths on the right with {@code padId} (labels with IGNORE). */
    public static CausalLmBatch padded(int[][] ids, int[][] labels, int padId) {
        int t = 0;
        for (int[] row : ids) {
            t = Math.max(t, row.length);
        }
        int[][] outIds = new int[ids.length][t];
        int[][] outLabels = new int[ids.length][t];
        for (int i = 0; i < ids.length; i++) {
            java.util.Arrays.fill(outIds[i], padId);
            java.util.Arrays.fill(outLabels[i], CausalLmLoss.IGNORE);
            System.arraycopy(ids[i], 0, outIds[i], 0, ids[i].length);
            System.arraycopy(labels[i], 0, outLabels[i], 0, labels[i].length);
        }
        return new CausalLmBatch(outIds, outLabels, null, null);
    }

    public int rows() {
        return inputIds.length;
    }

    public int length() {
        return inputIds[0].length;
    }

    /** Tokens the model processes, padding included. */
    public long tokens() {
        return (long) rows() * length();
    }

    /** The summed next-token loss over every labelled position, and how many there were. */
    public Result loss(LlamaModel model, NDManager scope) {
        int b = rows();
        int t = length();
        CausalLmLoss.Targets targets = CausalLmLoss.shift(labels);
        NDArray ids = scope.create(flat(inputIds), new Shape(b, t));                      // (B, T)
        NDArray pos = positions == null ? null : scope.create(flat(positions), new Shape(b, t));
        NDArray mask = segments == null ? null : AttentionMask.packed(scope, segments);  // (B, 1, T, T)
        NDArray logits = model.forward(ids, pos, mask, null);                            // (B, T, V)
        NDArray target = scope.create(targets.ids(), new Shape(b, t));                  // (B, T)
        NDArray weight = scope.create(targets.weights(), new Shape(b, t));              // (B, T)
        return new Result(CausalLmLoss.summed(logits, target, weight), targets.count());
    }

    /** A summed loss (scalar, in the autograd graph) and the number of targets it adds up. */
    public record Result(NDArray sum, long targets) {
    }

    private static long[] flat(int[][] rows) {
        long[] out = new long[rows.length * rows[0].length];
        int k = 0;
        for (int[] row : rows) {
            for (int v : row) {
                out[k++] = v;
            }
        }
        return out;
    }
}
