package dev.jtune.recipes;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main job at its smoke size: every stage runs and moves its figure the way the pipeline intends. */
class PipelineCommandTest {

    @TempDir
    Path tmp;

    @Test
    void smokePresetRunsEveryStageInTheRightDirection() throws Exception {
        Path out = tmp.resolve("pipeline");
        assertEquals(0, Main.run(new String[] {"pipeline", "--preset", "smoke", "--out", out.toString()}));
        JsonObject r = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        double baseAnswer = r.getAsJsonObject("base").get("answer_rate").getAsDouble();
        double sftAnswer = r.getAsJsonObject("sft").get("answer_rate").getAsDouble();
        assertTrue(sftAnswer > baseAnswer + 0.3, "SFT answers where the base continues: " + baseAnswer + " -> "
                + sftAnswer);
        JsonObject rm = r.getAsJsonObject("rm");
        assertTrue(rm.get("heldout_accuracy").getAsDouble() > 0.6, "reward model ranks pairs");
        JsonObject byPair = rm.getAsJsonObject("heldout_accuracy_by_pair");
        assertEquals(10, byPair.size(), "every two of the five grades: " + byPair.keySet());
        assertTrue(byPair.get("correct>bad").getAsDouble() > 0.9, "a rude or off-topic reply ranks last: " + byPair);
        double sftReward = r.getAsJsonObject("sft").get("mean_reward").getAsDouble();
        double ppoReward = r.getAsJsonObject("ppo").get("mean_reward").getAsDouble();
        assertTrue(ppoReward >= sftReward - 0.02, "PPO does not lose reward: " + sftReward + " -> " + ppoReward);
        double[] scores = Files.readAllLines(out.resolve("ppo/metrics.jsonl")).stream()
                .map(line -> JsonParser.parseString(line).getAsJsonObject())
                .filter(o -> o.has("score")).mapToDouble(o -> o.get("score").getAsDouble()).toArray();
        double first = Arrays.stream(scores, 0, 5).average().orElseThrow();
        double last = Arrays.stream(scores, scores.length - 5, scores.length).average().orElseThrow();
        assertTrue(last > first, "PPO raises the reward model's score of its rollouts: " + first + " -> " + last);
        assertTrue(Double.isFinite(r.getAsJsonObject("ppo").get("kl").getAsDouble()));
        double dpoReward = r.getAsJsonObject("dpo").get("mean_reward").getAsDouble();
        assertTrue(dpoReward > sftReward, "DPO raises the reward: " + sftReward + " -> " + dpoReward);
        for (String stage : new String[] {"data", "tokenizer", "pretrain", "sft", "reward", "ppo", "dpo"}) {
            assertTrue(r.getAsJsonObject("seconds").has(stage), stage);
        }
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("| sft |") && md.contains("| correct > wrong * |") && md.contains("| pretrain |"), md);
    }
}
