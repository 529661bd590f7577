package dev.jtune.recipes;

import com.google.gson.JsonObject;
import dev.jtune.generate.Generation;
import dev.jtune.generate.LanguageModel;
import dev.jtune.generate.SamplingParams;
import dev.jtune.io.Checkpoint;
import dev.jtune.io.Checkpoints;
import dev.jtune.testing.Fixtures;
import dev.jtune.train.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pretraining from raw text: tokenizer, corpus, a fresh model, a loss that falls, an HF directory that loads. */
class PretrainRecipeTest {

    @TempDir
    Path tmp;

    @Test
    void pretrainsOnTinyStoriesIntoALoadableCheckpoint() throws Exception {
        Path text = tmp.resolve("stories.txt");
        String all = Files.readString(Fixtures.path("data/tinystories/tinystories_valid_head_part1.txt"));
        Files.writeString(text, all.substring(0, 200_000));
        Path out = tmp.resolve("run");
        assertEquals(0, Main.run(new String[] {"pretrain", "--data", text.toString(), "--out", out.toString(),
                "--size", "micro", "--vocab-size", "1024", "--seq-len", "64", "--batch-size", "8",
                "--max-steps", "60", "--eval-every", "20", "--log-every", "5", "--seed", "3"}));

        List<JsonObject> rows = MetricsLog.read(out.resolve("metrics.jsonl"));
        List<Double> evals = rows.stream().filter(r -> r.has("eval_loss"))
                .map(r -> r.get("eval_loss").getAsDouble()).toList();
        assertTrue(evals.size() >= 3);
        assertTrue(evals.get(evals.size() - 1) < evals.get(0) - 0.3, "validation loss " + evals);
        assertTrue(evals.get(0) < Math.log(1024) + 0.5, "starts near uniform over the vocabulary");

        Path model = out.resolve("final");
        for (String f : List.of("config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json")) {
            assertTrue(Files.isRegularFile(model.resolve(f)), f);
        }
        try (Checkpoint c = Checkpoints.open(model)) {
            assertEquals(1024, c.config().vocabSize());
            assertTrue(c.tensors().names().contains("lm_head.weight"));
            assertTrue(c.tensors().names().contains("model.layers.3.mlp.down_proj.weight"));
        }
        try (LanguageModel lm = LanguageModel.load(model)) {
            Generation g = lm.generate("Once upon a time", SamplingParams.sample(20, 0.8, 1));
            assertFalse(g.text().isBlank());
        }
    }
}
