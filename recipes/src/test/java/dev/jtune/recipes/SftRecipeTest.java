package dev.jtune.recipes;

import com.google.gson.JsonObject;
import dev.jtune.generate.Generation;
import dev.jtune.generate.LanguageModel;
import dev.jtune.generate.SamplingParams;
import dev.jtune.io.SafetensorsFile;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.testing.Fixtures;
import dev.jtune.train.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LoRA SFT of the real stories260K model on alpaca_tiny, end to end through the command line. */
class SftRecipeTest {

    @TempDir
    Path tmp;

    static String[] sftArgs(Path out, int steps, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("sft",
                "--model", Fixtures.path("weights/stories260K-hf").toString(),
                "--data", Fixtures.path("data/sft/alpaca_tiny/alpaca_tiny_part1.json").toString(),
                "--out", out.toString(), "--max-steps", String.valueOf(steps), "--batch-size", "4",
                "--seq-len", "192", "--lr", "3e-3", "--seed", "7", "--log-every", "1"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /**
     * Golden losses of a seeded run: the first logged training losses, pinned with tolerance 1e-4 (MKL is not
     * bit-reproducible, djl-notes trap 12). Recorded from this implementation; a change that moves them changes
     * what SFT computes.
     */
    @Test
    void seededRunReproducesItsFirstLossesAndLowersHeldOutLoss() throws Exception {
        Path out = tmp.resolve("sft");
        assertEquals(0, Main.run(sftArgs(out, 30, "--eval-every", "3", "--checkpoint-every", "10")));
        List<JsonObject> rows = MetricsLog.read(out.resolve("metrics.jsonl"));
        double[] golden = GOLDEN;
        for (int i = 0; i < golden.length; i++) {
            assertEquals(golden[i], rows.get(i).get("loss").getAsDouble(), 1e-4, "loss at step " + (i + 1));
        }
        double firstEval = rows.stream().filter(r -> r.has("eval_loss")).findFirst().orElseThrow()
                .get("eval_loss").getAsDouble();
        double lastEval = rows.get(rows.size() - 1).get("eval_loss").getAsDouble();
        assertTrue(lastEval < firstEval - 0.05, "held-out loss " + firstEval + " -> " + lastEval);
        for (JsonObject r : rows) {
            assertTrue(r.has("tokens_per_s") && r.has("mfu") && r.has("rss_mb") && r.has("grad_norm"));
        }
        assertTrue(out.resolve("final/adapter_config.json").toFile().isFile());
        assertTrue(out.resolve("run.json").toFile().isFile());
        assertTrue(out.resolve("loss.png").toFile().isFile());
    }

    /** Recorded on 2026-11-23 from `sft ... --seed 7 --log-every 1` (run twice: identical). */
    static final double[] GOLDEN = {3.74710693359375, 3.1543584230567228, 3.323841781908525, 5.194133411754262,
        3.4574778110166138};

    @Test
    void mergedCheckpointGeneratesWhatBasePlusAdapterGenerates() throws Exception {
        Path out = tmp.resolve("sft");
        assertEquals(0, Main.run(sftArgs(out, 8)));
        Path merged = tmp.resolve("merged");
        assertEquals(0, Main.run(new String[] {"merge", "--model",
                Fixtures.path("weights/stories260K-hf").toString(), "--adapter", out.resolve("final").toString(),
                "--out", merged.toString()}));
        SamplingParams greedy = SamplingParams.greedy(40);
        Generation viaAdapter;
        try (LanguageModel lm = LanguageModel.load(Fixtures.path("weights/stories260K-hf"));
             LoraModel lora = LoraModel.wrap(lm.model())) {
            Generation base = lm.generate("Once upon a time", greedy);
            PeftAdapters.load(lora, out.resolve("final"), "default");
            viaAdapter = lm.generate("Once upon a time", greedy);
            assertTrue(!java.util.Arrays.equals(base.generatedIds(), viaAdapter.generatedIds()),
                    "the trained adapter should change greedy output");
        }
        try (LanguageModel lm = LanguageModel.load(merged)) {
            assertArrayEquals(viaAdapter.generatedIds(), lm.generate("Once upon a time", greedy).generatedIds());
        }
        try (SafetensorsFile f = SafetensorsFile.open(merged.resolve("model.safetensors"))) {
            assertEquals(47, f.names().size()); // tied: no lm_head, same names as the base
        }
    }
}
