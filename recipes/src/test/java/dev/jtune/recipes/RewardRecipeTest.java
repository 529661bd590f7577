package dev.jtune.recipes;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.jtune.align.RewardHead;
import dev.jtune.align.RewardModel;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RewardRecipeTest {

    @TempDir
    Path tmp;

    @Test
    void trainsOnHhRlhfAndWritesARewardAdapterThatLoadsAndEvaluates() throws Exception {
        Path model = Fixtures.path(PreferenceFixtures.MODEL);
        Path out = tmp.resolve("rm");
        PreferenceFixtures.run("reward", "--model", model.toString(), "--data",
                Fixtures.path(PreferenceFixtures.HH).toString(), "--out", out.toString(), "--max-steps", "4",
                "--seq-len", "160", "--batch-size", "2", "--eval-fraction", "0.02", "--center-rewards", "0.01",
                "--likelihood-weight", "0.5");
        Path adapter = out.resolve("final");
        JsonObject config = JsonParser.parseString(Files.readString(adapter.resolve("adapter_config.json")))
                .getAsJsonObject();
        assertEquals("SEQ_CLS", config.get("task_type").getAsString());
        assertEquals("score", config.getAsJsonArray("modules_to_save").get(0).getAsString());
        assertTrue(Files.isRegularFile(out.resolve("run.json")));
        assertTrue(Files.isRegularFile(out.resolve("loss.png")));
        Map<String, Object> last = PreferenceFixtures.lastMetrics(out);
        assertEquals(4.0, ((Number) last.get("step")).doubleValue());
        assertTrue(last.containsKey("accuracy") && last.containsKey("margin") && last.containsKey("reward_std"),
                last.toString());
        assertEquals(0.5, JsonParser.parseString(Files.readString(adapter.resolve(RewardHead.CONFIG_FILE)))
                .getAsJsonObject().get("likelihood_weight").getAsDouble());
        try (RewardModel rm = RewardModel.load(model, adapter)) {
            assertEquals(0.5, rm.head().likelihoodWeight());
            assertTrue(Float.isFinite(rm.score("Hi", "Hello! How can I help?")));
        }
        String printed = PreferenceFixtures.run("eval", "--model", model.toString(), "--adapter", adapter.toString(),
                "--data", PreferenceFixtures.hhHead(tmp, 12).toString(), "--seq-len", "160");
        assertEquals(12, PreferenceFixtures.metric(printed, "examples"));
        double accuracy = PreferenceFixtures.metric(printed, "accuracy");
        assertTrue(accuracy >= 0 && accuracy <= 1, printed);
    }
}
