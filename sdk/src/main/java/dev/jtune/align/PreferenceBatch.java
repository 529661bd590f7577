package dev.jtune.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.jtune.model.LlamaModel;

import java.util.Arrays;

/**
 * P preference pairs as one batch of 2P rows, so that one forward pass serves both replies: rows 0..P-1 are
 * prompt + chosen, rows P..2P-1 prompt + rejected, in the same pair order, right-padded to one length. Right
 * padding keeps real tokens at positions 0..n-1 and, with causal attention, out of sight of the padding, so no
 * mask is needed.
 *
 * @param inputIds (2P) x (T) token ids
 * @param labels   (2P) x (T) HF-style labels, {@link CausalLmLoss#IGNORE} on prompt and padding
 * @param lengths  (2P) real tokens of each row; the last real token, where a reward is read, is at length - 1
 * @param margins  (P) how much better each chosen reply is, or null when the data gives none
 */
public record PreferenceBatch(int[][] inputIds, int[][] labels, int[] lengths, float[] margins) {

    public PreferenceBatch {
        int rows = inputIds.length;
        if (rows == 0 || rows % 2 != 0 || labels.length != rows || lengths.length != rows) {
            throw new IllegalArgumentException("a preference batch needs 2P rows of ids, labels and lengths, got "
                    + rows + ", " + labels.length + ", " + lengths.length);
        }
        int t = inputIds[0].length;
        for (int i = 0; i < rows; i++) {
            if (inputIds[i].length != t || labels[i].length != t) {
                throw new IllegalArgumentException("row " + i + " is not padded to length " + t);
            }
            if (lengths[i] < 1 || lengths[i] > t) {
                throw new IllegalArgumentException("row " + i + " has length " + lengths[i] + ", outside [1, " + t
                        + "]");
            }
        }
        if (margins != null && margins.length != rows / 2) {
            throw new IllegalArgumentException("margins must hold one value per pair: " + margins.length + " for "
                    + rows / 2 + " pairs");
        }
    }

    /**
     * Pairs from unpadded rows: {@code chosen[i]} and {@code rejected[i]} (ids and labels each) are pair i; rows
     * are right-padded with {@code padId} (labels with IGNORE).
     */
    public static PreferenceBatch of(int[][] chosenIds, int[][] chosenLabels, int[][] rejectedIds,
                                     int[][] rejectedLabels, float[] margins, int padId) {
        int p = chosenIds.length;
        if (p == 0 || chosenLabels.length != p || rejectedIds.length != p || rejectedLabels.length != p) {
            throw new IllegalArgumentException("chosen and rejected ids and labels must hold the same number of "
                    + "pairs (at least one)");
        }
        int t = 0;
        for (int i = 0; i < p; i++) {
            t = Math.max(t, Math.max(chosenIds[i].length, rejectedIds[i].length));
        }
        int[][] ids = new int[2 * p][t];
        int[][] labels = new int[2 * p][t];
        int[] lengths = new int[2 * p];
        for (int i = 0; i < 2 * p; i++) {
            int[] rowIds = i < p ? chosenIds[i] : rejectedIds[i - p];
            int[] rowLabels = i < p ? chosenLabels[i] : rejectedLabels[i - p];
            if (rowIds.length != rowLabels.length) {
                throw new IllegalArgumentException("pair " + (i % p) + ": ids and labels differ in length");
            }
            Arrays.fill(ids[i], padId);
            Arrays.fill(labels[i], CausalLmLoss.IGNORE);
            System.arraycopy(rowIds, 0, ids[i], 0, rowIds.length);
            System.arraycopy(rowLabels, 0, labels[i], 0, rowLabels.length);
            lengths[i] = rowIds.length;
        }
        return new PreferenceBatch(ids, labels, lengths, margins);
    }

    public int pairs() {
        return inputIds.length / 2;
    }

    public int length() {
        return inputIds[0].length;
    }

    /** Tokens the model processes, padding included. */
    public long tokens() {
        return (long) inputIds.length * length();
    }

    /** Completion tokens of every row, chosen rows first (IPO's length normalisation). */
    public int[] completionTokens() {
        return CompletionLogProbs.counts(labels);
    }

    /** The reward of every row, its score read by {@code head} at its last real token: (2P), chosen rows first. */
    public NDArray rewards(LlamaModel model, RewardHead head, NDManager scope) {
        NDArray hidden = model.hidden(ids(scope), null, null, null);                     // (2P, T, D)
        int[] last = new int[lengths.length];
        for (int i = 0; i < last.length; i++) {
            last[i] = lengths[i] - 1;
        }
        return head.rewards(model, hidden, last, labels);                                // (2P)
    }

    /** The summed log-probability of every row's completion: (2P), chosen rows first. */
    public NDArray logProbs(LlamaModel model, NDManager scope) {
        NDArray logits = model.forward(ids(scope), null, null, null);                    // (2P, T, V)
        return CompletionLogProbs.summed(logits, labels);                                // (2P)
    }

    /** The chosen half of per-row values (2P) -> (P). */
    public NDArray chosen(NDArray perRow) {
        return perRow.get(new NDIndex("0:{}", pairs()));                                 // (P)
    }

    /** The rejected half of per-row values (2P) -> (P). */
    public NDArray rejected(NDArray perRow) {
        return perRow.get(new NDIndex("{}:", pairs()));                                  // (P)
    }

    private NDArray ids(NDManager scope) {
        long[] flat = new long[inputIds.length * length()];
        int k = 0;
        for (int[] row : inputIds) {
            for (int v : row) {
                flat[k++] = v;
            }
        }
        return scope.create(flat, new Shape(inputIds.length, length()));               // (2P, T)
    }
}
