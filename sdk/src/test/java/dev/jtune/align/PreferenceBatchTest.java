package dev.jtune.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.model.AttentionMask;
import dev.jtune.model.LlamaModel;
import dev.jtune.model.ScalarHead;
import dev.jtune.testing.TinyModels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The batched reward model: each row's score is read at its own last real token, whatever the padding. */
class PreferenceBatchTest {

    private static final int I = CausalLmLoss.IGNORE;

    @Test
    void rewardsOfRightPaddedRowsEqualEachRowScoredAlone() {
        int[][] chosen = {{1, 17, 33, 5, 40}, {1, 8}};
        int[][] rejected = {{1, 17, 33}, {1, 8, 9, 10, 11, 12}};
        PreferenceBatch batch = PreferenceBatch.of(chosen, labels(chosen), rejected, labels(rejected), null, 0);
        assertEquals(2, batch.pairs());
        assertEquals(6, batch.length());
        assertArrayEquals(new int[] {5, 2, 3, 6}, batch.lengths());
        try (LlamaModel model = TinyModels.random(5); NDManager m = model.manager().newSubManager()) {
            ScalarHead head = ScalarHead.create(model.config().hiddenSize(), 3, m);
            NDArray rewards = batch.rewards(model, RewardHead.of(head), m);                   // (4)
            int[][] rows = {chosen[0], chosen[1], rejected[0], rejected[1]};
            for (int i = 0; i < rows.length; i++) {
                assertEquals(alone(model, head, rows[i], m), rewards.getFloat(i), 1e-5, "row " + i);
            }
            assertArrayEquals(new float[] {rewards.getFloat(0), rewards.getFloat(1)},
                    batch.chosen(rewards).toFloatArray());
            assertArrayEquals(new float[] {rewards.getFloat(2), rewards.getFloat(3)},
                    batch.rejected(rewards).toFloatArray());

            // the same rows left-padded (keys masked, positions from 0 at the first real token) give the same
            // scores when read at the last index
            int t = 6;
            long[] ids = new long[rows.length * t];
            long[] pos = new long[rows.length * t];
            boolean[][] valid = new boolean[rows.length][t];
            int[] last = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                int pad = t - rows[i].length;
                for (int j = 0; j < rows[i].length; j++) {
                    ids[i * t + pad + j] = rows[i][j];
                    pos[i * t + pad + j] = j;
                    valid[i][pad + j] = true;
                }
                last[i] = t - 1;
            }
            NDArray hidden = model.hidden(m.create(ids, new Shape(rows.length, t)),
                    m.create(pos, new Shape(rows.length, t)), AttentionMask.causal(m, rows.length, 0, t, valid),
                    null);                                                                        // (4, T, D)
            float[] left = head.scores(hidden, last).toFloatArray();
            for (int i = 0; i < rows.length; i++) {
                assertEquals(rewards.getFloat(i), left[i], 1e-5, "left-padded row " + i);
            }
        }
    }

    @Test
    void logProbsOfTheBatchEqualEachRowAlone() {
        int[][] chosen = {{1, 17, 33, 5, 40}};
        int[][] rejected = {{1, 17, 60}};
        PreferenceBatch batch = PreferenceBatch.of(chosen, labels(chosen), rejected, labels(rejected),
                new float[] {0.5f}, 0);
        try (LlamaModel model = TinyModels.random(5); NDManager m = model.manager().newSubManager()) {
            float[] batched = batch.logProbs(model, m).toFloatArray();
            float[] alone = PreferenceBatch.of(rejected, labels(rejected), rejected, labels(rejected), null, 0)
                    .logProbs(model, m).toFloatArray();
            assertEquals(alone[0], batched[1], 1e-5);
        }
        assertArrayEquals(new int[] {3, 1}, batch.completionTokens()); // the tokens after the two-token prompt
    }

    /** The first two tokens are the prompt (ignored), the rest the completion. */
    private static int[][] labels(int[][] rows) {
        int[][] out = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
            out[i][0] = I;
            out[i][1] = I;
        }
        return out;
    }

    private static float alone(LlamaModel model, ScalarHead head, int[] row, NDManager m) {
        long[] ids = new long[row.length];
        for (int j = 0; j < row.length; j++) {
            ids[j] = row[j];
        }
        NDArray hidden = model.hidden(m.create(ids, new Shape(1, row.length)), null, null, null); // (1, n, D)
        return head.scores(hidden, new int[] {row.length - 1}).getFloat(0);
    }
}
