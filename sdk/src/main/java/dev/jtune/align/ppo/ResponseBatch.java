package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.jtune.align.CausalLmLoss;
import dev.jtune.engine.Scalars;
import dev.jtune.model.AttentionMask;
import dev.jtune.model.LlamaModel;

import java.util.List;

/**
 * Rollouts laid out for one forward pass, as TRL does: prompts left-padded to a common width P, responses
 * right-padded to a common width R, so response token j of every row sits at column P + j and is predicted by the
 * output at column P + j - 1. Padding is masked out of attention; positions count from each prompt's first token.
 * <pre>
 * row b: [pad ... pad | prompt_b | response_b | pad ... pad]      width T = P + R
 * </pre>
 */
public final class ResponseBatch {

    private final int rows;
    private final int promptWidth;
    private final int responseWidth;
    private final int[] leftPad;
    private final int[] lengths;
    private final int[][] tokens;

    private ResponseBatch(List<Rollout> rollouts, int padId) {
        if (rollouts.isEmpty()) {
            throw new IllegalArgumentException("a response batch needs at least one rollout");
        }
        rows = rollouts.size();
        promptWidth = rollouts.stream().mapToInt(r -> r.promptIds().length).max().orElseThrow();
        responseWidth = rollouts.stream().mapToInt(Rollout::responseLength).max().orElseThrow();
        leftPad = new int[rows];
        lengths = new int[rows];
        tokens = new int[rows][promptWidth + responseWidth];
        for (int b = 0; b < rows; b++) {
            Rollout r = rollouts.get(b);
            java.util.Arrays.fill(tokens[b], padId);
            leftPad[b] = promptWidth - r.promptIds().length;
            lengths[b] = r.responseLength();
            System.arraycopy(r.promptIds(), 0, tokens[b], leftPad[b], r.promptIds().length);
            System.arraycopy(r.responseIds(), 0, tokens[b], promptWidth, lengths[b]);
        }
    }

    /** Lays out {@code rollouts}, filling padding with {@code padId} (masked, so any valid id works). */
    public static ResponseBatch of(List<Rollout> rollouts, int padId) {
        return new ResponseBatch(rollouts, padId);
    }

    public int rows() {
        return rows;
    }

    /** R, the longest response. */
    public int responseWidth() {
        return responseWidth;
    }

    /** Response tokens of each row. */
    public int[] lengths() {
        return lengths.clone();
    }

    /** Final-normed hidden states of every column: (B, T, D). */
    public NDArray hidden(LlamaModel model, NDManager scope) {
        int t = promptWidth + responseWidth;
        long[] ids = new long[rows * t];
        long[] positions = new long[rows * t];
        boolean[][] keyValid = new boolean[rows][t];
        for (int b = 0; b < rows; b++) {
            int end = promptWidth + lengths[b];
            for (int j = 0; j < t; j++) {
                ids[b * t + j] = tokens[b][j];
                positions[b * t + j] = Math.max(0, Math.min(j, end - 1) - leftPad[b]);
                keyValid[b][j] = j >= leftPad[b] && j < end;
            }
        }
        NDArray input = scope.create(ids, new Shape(rows, t));                     // (B, T)
        NDArray pos = scope.create(positions, new Shape(rows, t));                 // (B, T)
        NDArray mask = AttentionMask.causal(scope, rows, 0, t, keyValid);          // (B, 1, T, T)
        return model.hidden(input, pos, mask, null);                               // (B, T, D)
    }

    /** The columns that predict each response token: x (B, T, ...) -> (B, R, ...), columns P-1 .. P+R-2. */
    public NDArray atResponse(NDArray x) {
        return x.get(new NDIndex().addAllDim().addSliceDim(promptWidth - 1, promptWidth + responseWidth - 1));
    }

    /** The column of each row's last real token (its last response token), for a sequence score. */
    public int[] lastTokens() {
        int[] last = new int[rows];
        for (int b = 0; b < rows; b++) {
            last[b] = promptWidth + lengths[b] - 1;
        }
        return last;
    }

    /** HF-style labels of every column: each response token labelled, prompt and padding ignored: (B) x (T). */
    public int[][] labels() {
        int[][] labels = new int[rows][promptWidth + responseWidth];
        for (int b = 0; b < rows; b++) {
            java.util.Arrays.fill(labels[b], CausalLmLoss.IGNORE);
            System.arraycopy(tokens[b], promptWidth, labels[b], promptWidth, lengths[b]);
        }
        return labels;
    }

    /** Log-probabilities of the sampled tokens: logits (B, R, V) at temperature -> (B, R); padding gives junk. */
    public NDArray logProbs(NDArray logits, double temperature) {
        NDManager scope = logits.getManager();
        long[] ids = new long[rows * responseWidth];
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < lengths[b]; j++) {
                ids[b * responseWidth + j] = tokens[b][promptWidth + j];
            }
        }
        NDArray target = scope.create(ids, new Shape(rows, responseWidth, 1));       // (B, R, 1)
        return Scalars.times(logits, 1.0 / (temperature + 1e-7)).logSoftmax(-1)               // (B, R, V)
                .gather(target, 2).squeeze(-1);                                      // (B, R)
    }

    /** 1 on response tokens, 0 on padding: (B, R) float32. */
    public NDArray mask(NDManager scope) {
        return scope.create(padded(null), new Shape(rows, responseWidth));
    }

    /**
     * Ragged per-token values (row b has {@code lengths[b]} entries, or more: the rest is ignored) as a (B, R)
     * array with zeros on padding; with {@code values} null, the response mask.
     */
    public float[] padded(double[][] values) {
        float[] out = new float[rows * responseWidth];
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < lengths[b]; j++) {
                out[b * responseWidth + j] = values == null ? 1f : (float) values[b][j];
            }
        }
        return out;
    }

    /** (B, R) data for this batch: {@link #padded} made an array in {@code scope}. */
    public NDArray tensor(double[][] values, NDManager scope) {
        return scope.create(padded(values), new Shape(rows, responseWidth));
    }

    /** Per-row values of an array (B, R), each row cut to its response length. */
    public double[][] ragged(NDArray x) {
        float[] flat = x.toFloatArray();
        double[][] out = new double[rows][];
        for (int b = 0; b < rows; b++) {
            out[b] = new double[lengths[b]];
            for (int j = 0; j < lengths[b]; j++) {
                out[b][j] = flat[b * responseWidth + j];
            }
        }
        return out;
    }
}
