package dev.jtune.recipes;

import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reward modelling and DPO on a set stories260K can learn: a TinyStories sentence is preferred over the same
 * words shuffled. Figures are printed for the record.
 */
class LearnablePreferenceTest {

    @TempDir
    Path tmp;

    @Test
    void rewardModelRanksHeldOutPairs() {
        Path model = Fixtures.path(PreferenceFixtures.MODEL);
        Path data = shuffled();
        Path out = tmp.resolve("rm");
        PreferenceFixtures.run("reward", "--model", model.toString(), "--data", data.resolve("train.jsonl")
                .toString(), "--eval-data", data.resolve("eval.jsonl").toString(), "--out", out.toString(),
                "--max-steps", "60", "--batch-size", "8", "--lr", "2e-3", "--seq-len", "96", "--warmup-steps", "3",
                "--eval-every", "30", "--log-every", "10");
        String printed = PreferenceFixtures.run("eval", "--model", model.toString(), "--adapter",
                out.resolve("final").toString(), "--data", data.resolve("eval.jsonl").toString(), "--seq-len", "96");
        double accuracy = PreferenceFixtures.metric(printed, "accuracy");
        System.out.printf("reward model held-out accuracy %.3f, margin %.3f%n", accuracy,
                PreferenceFixtures.metric(printed, "margin"));
        assertTrue(accuracy >= 0.9, "held-out pairwise accuracy " + accuracy);
    }

    @Test
    void dpoRaisesTheHeldOutChosenOverRejectedMargin() {
        Path model = Fixtures.path(PreferenceFixtures.MODEL);
        Path data = shuffled();
        String eval = data.resolve("eval.jsonl").toString();
        double before = PreferenceFixtures.metric(PreferenceFixtures.run("eval", "--model", model.toString(),
                "--data", eval, "--seq-len", "96"), "logp_margin");
        Path out = tmp.resolve("dpo");
        PreferenceFixtures.run("dpo", "--model", model.toString(), "--data", data.resolve("train.jsonl").toString(),
                "--eval-data", eval, "--out", out.toString(), "--max-steps", "30", "--batch-size", "8", "--lr",
                "2e-3", "--seq-len", "96", "--beta", "0.1", "--eval-every", "30", "--log-every", "10");
        String printed = PreferenceFixtures.run("eval", "--model", model.toString(), "--adapter",
                out.resolve("final").toString(), "--data", eval, "--seq-len", "96");
        double after = PreferenceFixtures.metric(printed, "logp_margin");
        System.out.printf("DPO held-out log-prob margin chosen - rejected: %.3f before, %.3f after; "
                        + "preference accuracy %.3f, implicit-reward accuracy %.3f%n", before, after,
                PreferenceFixtures.metric(printed, "preference_accuracy"),
                PreferenceFixtures.metric(printed, "implicit_accuracy"));
        assertTrue(after > before + 1.0, "margin " + before + " -> " + after);
    }

    private Path shuffled() {
        try {
            return PreferenceFixtures.shuffledSentences(tmp, 400, 100);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
