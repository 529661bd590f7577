package dev.jtune.align;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.jtune.io.Checkpoint;
import dev.jtune.io.Checkpoints;
import dev.jtune.io.SafetensorsFile;
import dev.jtune.lora.LoraConfig;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.LlamaModel;
import dev.jtune.model.ScalarHead;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reward adapter on disk: PEFT's layout with the score head under modules_to_save, and loading it back. */
class RewardModelTest {

    @TempDir
    Path tmp;

    @Test
    void savesTheScoreHeadUnderModulesToSaveAndTheLikelihoodWeightBesideAndReadsThemBack() throws Exception {
        Path dir = tmp.resolve("rm");
        float[] headWeights;
        try (LlamaModel model = TinyModels.random(7); LoraModel lora = LoraModel.wrap(model)) {
            lora.add("default", LoraConfig.defaults(), 1);
            perturb(lora.parameters("default"));
            RewardHead head = new RewardHead(ScalarHead.create(model.config().hiddenSize(), 2, model.manager()), 2);
            headWeights = head.score().weight().toFloatArray();
            PeftAdapters.save(lora, "default", dir, "tiny", "SEQ_CLS", Map.of(ScalarHead.NAME, head.score().weight()),
                    head.configFiles());
        }
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve(PeftAdapters.CONFIG_FILE)))
                .getAsJsonObject();
        assertEquals("SEQ_CLS", config.get("task_type").getAsString());
        assertEquals(1, config.getAsJsonArray("modules_to_save").size());
        assertEquals("score", config.getAsJsonArray("modules_to_save").get(0).getAsString());
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve(PeftAdapters.WEIGHTS_FILE))) {
            assertTrue(file.names().contains("base_model.model.score.weight"));
            assertArrayEquals(new long[] {1, 32}, file.info("base_model.model.score.weight").shape());
        }
        try (LlamaModel model = TinyModels.random(7); LoraModel lora = LoraModel.wrap(model)) {
            PeftAdapters.load(lora, dir, "default"); // the LoRA loader leaves the head to its owner
            NDArray score = PeftAdapters.loadModule(dir, ScalarHead.NAME, model.manager());
            assertArrayEquals(headWeights, score.toFloatArray());
            assertNull(PeftAdapters.loadModule(dir, "value_head", model.manager()));

            assertTrue(RewardHead.isRewardAdapter(dir));
            int d = model.config().hiddenSize();
            RewardHead loaded = RewardHead.load(dir, d, model.manager(), false);
            assertEquals(2.0, loaded.likelihoodWeight());
            assertArrayEquals(headWeights, loaded.score().weight().toFloatArray());
            assertFalse(loaded.score().weight().hasGradient());
            // an adapter from PEFT has no reward_config.json: the head alone
            Files.delete(dir.resolve(RewardHead.CONFIG_FILE));
            assertEquals(0.0, RewardHead.load(dir, d, model.manager(), false).likelihoodWeight());
            for (String bad : List.of("{\"likelihood_weight\": -1}", "{\"weight\": 2}", "not json")) {
                Files.writeString(dir.resolve(RewardHead.CONFIG_FILE), bad);
                Exception e = assertThrows(IOException.class, () -> RewardHead.load(dir, d, model.manager(), false));
                assertTrue(e.getMessage().contains(RewardHead.CONFIG_FILE), e.getMessage());
            }
            Exception e = assertThrows(IOException.class, () -> RewardHead.load(dir, d + 1, model.manager(), false));
            assertTrue(e.getMessage().contains("expected (1, " + (d + 1) + ")"), e.getMessage());
        }
    }

    @Test
    void loadedRewardModelScoresLikeTheTrainedParts() throws Exception {
        Path base = Fixtures.path("weights/stories260K-hf");
        Path dir = tmp.resolve("rm");
        float[] expected;
        int[] ids;
        try (RewardModel fresh = build(base, dir)) {
            ids = fresh.encode("Tell me a story.", "Once upon a time, there was a cat.");
            expected = fresh.scoreTokens(List.of(ids, new int[] {ids[0], ids[1], ids[2]}), new int[] {ids.length, 3});
        }
        try (RewardModel loaded = RewardModel.load(base, dir)) {
            assertArrayEquals(ids, loaded.encode("Tell me a story.", "Once upon a time, there was a cat."));
            assertEquals(2, loaded.tokenizer().specialTokens().eos().get(0));
            assertEquals(2, ids[ids.length - 1]); // alpaca has no end of turn: EOS closes the reply
            assertEquals(1, ids[0]);              // BOS first
            float[] batch = loaded.score(List.of("Tell me a story.", "Hi"),
                    List.of("Once upon a time, there was a cat.", "Hello! How can I help?"));
            assertEquals(expected[0], batch[0], 1e-5);
            assertEquals(expected[0], loaded.score("Tell me a story.", "Once upon a time, there was a cat."), 1e-5);
            assertEquals(expected[1], loaded.scoreTokens(List.of(new int[] {ids[0], ids[1], ids[2]}), new int[] {3})[0],
                    1e-5);
        }
        // a causal-LM adapter has no head: refused with the reason
        Path plain = tmp.resolve("plain");
        try (Checkpoint c = Checkpoints.open(base);
             LlamaModel model = LlamaModel.load(c.config(), c.tensors(), Device.cpu());
             LoraModel lora = LoraModel.wrap(model)) {
            lora.add("default", LoraConfig.defaults(), 1);
            PeftAdapters.save(lora, "default", plain, base.toString());
        }
        Exception e = assertThrows(java.io.IOException.class, () -> RewardModel.load(base, plain));
        assertTrue(e.getMessage().contains("not a reward adapter"), e.getMessage());
    }

    /** A reward model over stories260K with a perturbed adapter and a random head, saved to {@code dir}. */
    private static RewardModel build(Path base, Path dir) throws Exception {
        try (Checkpoint c = Checkpoints.open(base)) {
            LlamaModel model = LlamaModel.load(c.config(), c.tensors(), Device.cpu());
            LoraModel lora = LoraModel.wrap(model);
            lora.add("default", LoraConfig.defaults(), 1);
            perturb(lora.parameters("default"));
            ScalarHead head = ScalarHead.create(model.config().hiddenSize(), 2, model.manager());
            PeftAdapters.save(lora, "default", dir, base.toString(), "SEQ_CLS", Map.of(ScalarHead.NAME,
                    head.weight()));
            return new RewardModel(model, lora, RewardHead.of(head), dev.jtune.tokenizer.HfTokenizer.load(base),
                    dev.jtune.tokenizer.ChatTemplate.builtIn("alpaca"), false);
        }
    }

    private static void perturb(Map<String, NDArray> params) {
        Random r = new Random(3);
        for (NDArray p : params.values()) {
            float[] v = new float[(int) p.getShape().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.05);
            }
            p.set(v);
        }
    }
}
