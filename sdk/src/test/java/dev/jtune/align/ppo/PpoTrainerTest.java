package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.generate.LanguageModel;
import dev.jtune.generate.SamplingParams;
import dev.jtune.lora.LoraModel;
import dev.jtune.model.ScalarHead;
import dev.jtune.train.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PPO on the real stories260K model learns a reward it can reach, keeps the base weights, keeps one base. */
class PpoTrainerTest {

    @Test
    void learnsToNameLilyWithBoundedKl(@TempDir Path runDir) throws Exception {
        try (LanguageModel lm = StoriesRl.load();
             LoraModel lora = LoraModel.wrap(lm.model())) {
            Map<String, float[]> before = StoriesRl.snapshot(lm);
            lora.add(PolicyModels.POLICY, StoriesRl.LORA, 1);
            lora.add(PolicyModels.VALUE, StoriesRl.LORA, 2);
            NDManager heads = lm.model().manager().newSubManager();
            ScalarHead head = ScalarHead.create(lm.model().config().hiddenSize(), 3, heads);
            SamplingParams sampling = new SamplingParams(8, 1.0, 0, 1.0, 1.0, 11, List.of(), true);
            PpoConfig config = PpoConfig.builder().steps(12).batchSize(16).ppoEpochs(2)
                    .lr(2e-3)
                    .sampling(sampling).sampleEvery(5).seed(5).build();
            try (PolicyModels models = new PolicyModels(lora, null, head, heads)) {
                assertSame(lm.model(), models.model(), "policy, critic and reference share one base model");
                Rollouts rollouts = new Rollouts(models, lm.tokenizer(), lm.tokenizer()::encode, Scorer.of(StoriesRl.NAMES_LILY));
                List<String> heldOut = StoriesRl.repeat(StoriesRl.HELD_OUT_PROMPTS, 96);
                SamplingParams eval = sampling.withSeed(999);
                double start = rollouts.meanScore(heldOut, eval, 48);
                RlResult result;
                long t0 = System.nanoTime();
                try (PpoTrainer trainer = new PpoTrainer(models, rollouts, config, runDir)) {
                    result = trainer.train(StoriesRl.repeat(StoriesRl.TRAIN_PROMPTS, 48));
                }
                double end = rollouts.meanScore(heldOut, eval, 48);
                System.out.printf("PPO held-out score %.3f -> %.3f; train scores %s; kl %s; %.1f s%n", start, end,
                        result.scores(), result.kls(), (System.nanoTime() - t0) / 1e9);
                assertTrue(end > start + 0.1, "held-out reward should rise: " + start + " -> " + end);
                double maxKl = result.kls().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                assertTrue(maxKl < 10, "KL to the reference should stay bounded, max " + maxKl);
            }
            Map<String, float[]> after = StoriesRl.snapshot(lm);
            for (Map.Entry<String, float[]> e : before.entrySet()) {
                assertArrayEquals(e.getValue(), after.get(e.getKey()), 0f, e.getKey() + " changed");
            }
            assertEquals(config.steps(), MetricsLog.read(runDir.resolve("metrics.jsonl")).size());
            assertTrue(Files.size(runDir.resolve("reward.png")) > 0 && Files.size(runDir.resolve("kl.png")) > 0);
            assertTrue(Files.readAllLines(runDir.resolve("samples.jsonl")).size() > 0);
        }
    }
}
