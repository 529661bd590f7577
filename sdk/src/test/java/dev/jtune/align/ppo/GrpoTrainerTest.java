package dev.jtune.align.ppo;

import dev.jtune.generate.LanguageModel;
import dev.jtune.generate.SamplingParams;
import dev.jtune.lora.LoraModel;
import dev.jtune.train.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GRPO on the real stories260K model learns a reachable reward with a small KL and leaves the base untouched. */
class GrpoTrainerTest {

    @Test
    void learnsToNameLilyWithGroupAdvantages(@TempDir Path runDir) throws Exception {
        try (LanguageModel lm = StoriesRl.load();
             LoraModel lora = LoraModel.wrap(lm.model())) {
            Map<String, float[]> before = StoriesRl.snapshot(lm);
            lora.add(PolicyModels.POLICY, StoriesRl.LORA, 1);
            SamplingParams sampling = new SamplingParams(8, 1.0, 0, 1.0, 1.0, 21, List.of(), true);
            GrpoConfig config = GrpoConfig.builder().steps(12).promptsPerStep(4).groupSize(8).lr(3e-3).beta(0.04)
                    .sampling(sampling).sampleEvery(5).seed(5).build();
            try (PolicyModels models = new PolicyModels(lora, null, null, null)) {
                Rollouts rollouts = new Rollouts(models, lm.tokenizer(), lm.tokenizer()::encode, Scorer.of(StoriesRl.NAMES_LILY));
                List<String> heldOut = StoriesRl.repeat(StoriesRl.HELD_OUT_PROMPTS, 96);
                SamplingParams eval = sampling.withSeed(999);
                double start = rollouts.meanScore(heldOut, eval, 48);
                RlResult result;
                long t0 = System.nanoTime();
                try (GrpoTrainer trainer = new GrpoTrainer(models, rollouts, config, runDir)) {
                    result = trainer.train(StoriesRl.TRAIN_PROMPTS);
                }
                double end = rollouts.meanScore(heldOut, eval, 48);
                System.out.printf("GRPO held-out score %.3f -> %.3f; train scores %s; kl %s; %.1f s%n", start, end,
                        result.scores(), result.kls(), (System.nanoTime() - t0) / 1e9);
                assertTrue(end > start + 0.1, "held-out reward should rise: " + start + " -> " + end);
                double maxKl = result.kls().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                assertTrue(maxKl < 3, "per-token KL to the reference should stay bounded, max " + maxKl); // seen: spikes to 1.4
            }
            Map<String, float[]> after = StoriesRl.snapshot(lm);
            for (Map.Entry<String, float[]> e : before.entrySet()) {
                assertArrayEquals(e.getValue(), after.get(e.getKey()), 0f, e.getKey() + " changed");
            }
            assertEquals(config.steps(), MetricsLog.read(runDir.resolve("metrics.jsonl")).size());
            assertTrue(Files.size(runDir.resolve("reward.png")) > 0 && Files.size(runDir.resolve("kl.png")) > 0);
        }
    }
}
