package dev.jtune.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.align.ppo.RewardAdapterScorer;
import dev.jtune.align.ppo.Rollout;
import dev.jtune.lora.LoraConfig;
import dev.jtune.lora.LoraModel;
import dev.jtune.model.LlamaModel;
import dev.jtune.model.ScalarHead;
import dev.jtune.testing.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.jtune.align.CausalLmLoss.IGNORE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reward head's likelihood term, and PPO's scorer agreeing with it. */
class RewardHeadTest {

    /** Two rows of different lengths, right-padded with 0: prompt [1, 17, 33], replies of 3 and 1 tokens. */
    private static final int[][] IDS = {{1, 17, 33, 5, 40, 2}, {1, 17, 33, 9, 0, 0}};
    private static final int[] REPLY_START = {3, 3};
    private static final int[] LENGTHS = {6, 4};

    @Test
    void addsTheWeightTimesTheReplysMeanTokenLogProbabilityToTheScore() {
        try (LlamaModel model = TinyModels.random(5); NDManager m = model.manager().newSubManager()) {
            ScalarHead score = ScalarHead.create(model.config().hiddenSize(), 3, m);
            NDArray hidden = model.hidden(ids(m), null, null, null);                         // (2, 6, D)
            int[] last = {LENGTHS[0] - 1, LENGTHS[1] - 1};
            float[] head = score.scores(hidden, last).toFloatArray();
            float[] plain = RewardHead.of(score).rewards(model, hidden, last, null).toFloatArray();
            assertArrayEquals(head, plain);

            float[] logits = model.logits(hidden).toFloatArray();                            // (2, 6, V)
            int v = (int) model.config().vocabSize();
            float[] withTerm = new RewardHead(score, 2.5).rewards(model, hidden, last, labels()).toFloatArray();
            for (int b = 0; b < 2; b++) {
                double sum = 0;
                for (int t = REPLY_START[b]; t < LENGTHS[b]; t++) {
                    sum += logSoftmax(logits, (b * IDS[0].length + t - 1) * v, v, IDS[b][t]);
                }
                double expected = head[b] + 2.5 * sum / (LENGTHS[b] - REPLY_START[b]);
                assertEquals(expected, withTerm[b], 1e-4, "row " + b);
            }
        }
    }

    @Test
    void refusesANegativeOrNonFiniteWeight() {
        try (LlamaModel model = TinyModels.random(5)) {
            ScalarHead score = ScalarHead.create(model.config().hiddenSize(), 3, model.manager());
            for (double w : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
                Exception e = assertThrows(IllegalArgumentException.class, () -> new RewardHead(score, w));
                assertTrue(e.getMessage().contains("likelihood weight"), e.getMessage());
            }
        }
    }

    @Test
    void ppoScoresARolloutAsTheRewardHeadScoresTheSequenceAlone() {
        try (LlamaModel model = TinyModels.random(5); LoraModel lora = LoraModel.wrap(model);
             NDManager m = model.manager().newSubManager()) {
            lora.add("reward", LoraConfig.defaults(), 1);
            lora.setTraining(false);
            RewardHead head = new RewardHead(ScalarHead.create(model.config().hiddenSize(), 3, m), 1.5);
            // prompts of 3 and 2 tokens (left-padded in the batch), replies of 3 and 1 (right-padded)
            List<Rollout> rollouts = List.of(new Rollout("a", new int[] {1, 17, 33}, new int[] {5, 40, 2}, "x", true),
                    new Rollout("b", new int[] {1, 8}, new int[] {9}, "y", false));
            double[] scored = new RewardAdapterScorer(lora, "reward", head, 0).score(rollouts);
            lora.setActive("reward");
            for (int i = 0; i < rollouts.size(); i++) {
                Rollout r = rollouts.get(i);
                int[] row = concat(r.promptIds(), r.responseIds());
                int[][] labels = {row.clone()};
                Arrays.fill(labels[0], 0, r.promptIds().length, IGNORE);
                NDArray hidden = model.hidden(m.create(Arrays.stream(row).asLongStream().toArray(),
                        new Shape(1, row.length)), null, null, null);                         // (1, n, D)
                float alone = head.rewards(model, hidden, new int[] {row.length - 1}, labels).getFloat(0);
                assertEquals(alone, scored[i], 1e-4, "rollout " + i);
            }
        }
    }

    private static NDArray ids(NDManager m) {
        return m.create(Arrays.stream(IDS).flatMapToInt(Arrays::stream).asLongStream().toArray(),
                new Shape(IDS.length, IDS[0].length));                                          // (2, 6)
    }

    private static int[][] labels() {
        int[][] labels = new int[IDS.length][IDS[0].length];
        for (int b = 0; b < IDS.length; b++) {
            Arrays.fill(labels[b], IGNORE);
            System.arraycopy(IDS[b], REPLY_START[b], labels[b], REPLY_START[b], LENGTHS[b] - REPLY_START[b]);
        }
        return labels;
    }

    private static double logSoftmax(float[] logits, int from, int v, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
            max = Math.max(max, logits[from + k]);
        }
        double z = 0;
        for (int k = 0; k < v; k++) {
            z += Math.exp(logits[from + k] - max);
        }
        return logits[from + token] - max - Math.log(z);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
