package dev.jtune.recipes;

import dev.jtune.lora.PeftAdapters;
import dev.jtune.testing.Fixtures;
import dev.jtune.train.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ppo and grpo commands end to end on stories260K with a programmatic reward: every file a run leaves. */
class PpoRecipeTest {

    private static String[] args(String command, Path out, Path prompts, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of(command,
                "--model", Fixtures.path("weights/stories260K-hf").toString(), "--prompts", prompts.toString(),
                "--reward-fn", "contains:Lily", "--out", out.toString(), "--max-steps", "2",
                "--response-length", "6", "--lr", "1e-3", "--lora-r", "4", "--sample-every", "1"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private static Path prompts(Path dir) throws Exception {
        Path p = dir.resolve("prompts.jsonl");
        Files.writeString(p, "{\"prompt\": \"Once upon a time, a girl named\"}\n\n"
                + "{\"prompt\": \"One day, a little girl named\"}\n");
        return p;
    }

    private static void assertRun(Path out) throws Exception {
        assertEquals(2, MetricsLog.read(out.resolve("metrics.jsonl")).size());
        for (String f : List.of("run.json", "reward.png", "kl.png", "samples.jsonl",
                "final/" + PeftAdapters.CONFIG_FILE, "final/" + PeftAdapters.WEIGHTS_FILE)) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing");
        }
    }

    @Test
    void ppoWritesMetricsCurvesSamplesAndAdapter(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("ppo");
        assertEquals(0, Main.run(args("ppo", out, prompts(dir), "--batch-size", "4", "--ppo-epochs", "1",
                "--target-kl", "6")));
        assertRun(out);
    }

    @Test
    void grpoWritesMetricsCurvesSamplesAndAdapter(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("grpo");
        assertEquals(0, Main.run(args("grpo", out, prompts(dir), "--batch-size", "2", "--group-size", "4",
                "--beta", "0.04")));
        assertRun(out);
    }

    @Test
    void refusesTwoRewardsOrNone(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bad");
        String[] both = args("ppo", out, prompts(dir), "--reward-adapter", dir.toString());
        assertEquals(2, Main.run(both));
        assertEquals(2, Main.run(args("grpo", out, prompts(dir), "--ref", "sft")));
    }
}
