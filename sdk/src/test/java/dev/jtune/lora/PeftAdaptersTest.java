package dev.jtune.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.io.DType;
import dev.jtune.io.HostTensor;
import dev.jtune.io.SafetensorsFile;
import dev.jtune.io.SafetensorsWriter;
import dev.jtune.io.TensorData;
import dev.jtune.model.LlamaModel;
import dev.jtune.testing.TinyModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeftAdaptersTest {

    private static final long[] SEQ = {1, 17, 33, 5, 90, 41};
    @TempDir
    Path tmp;
    private LlamaModel model;
    private LoraModel lora;

    @BeforeEach
    void setUp() {
        model = TinyModels.random(11);
        lora = LoraModel.wrap(model);
    }

    @AfterEach
    void tearDown() {
        lora.close();
        model.close();
    }

    private float[] logits() {
        try (NDManager m = model.manager().newSubManager()) {
            return model.forward(m.create(SEQ, new Shape(1, SEQ.length)), null, null, null).toFloatArray();
        }
    }

    @Test
    void saveThenLoadGivesTheSameOutputsAndPeftKeys() throws Exception {
        lora.add("default", new LoraConfig(4, 8, 0.05, List.of("q_proj", "v_proj", "down_proj"), false, null), 3);
        for (Map.Entry<String, NDArray> e : lora.parameters("default").entrySet()) {
            if (e.getKey().contains("lora_B")) {
                e.getValue().set(random(e.getValue().getShape().size(), 5));
            }
        }
        float[] adapted = logits();
        Path dir = tmp.resolve("adapter");
        PeftAdapters.save(lora, "default", dir, "stories-base");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(PeftAdapters.WEIGHTS_FILE))) {
            assertTrue(f.names().contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"));
            assertArrayEquals(new long[] {4, 48},
                    f.info("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").shape(),
                    "down_proj A is (r, intermediate)");
            assertArrayEquals(new long[] {32, 4},
                    f.info("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").shape());
            assertEquals(2 * 3 * 2, f.names().size());
        }
        String config = Files.readString(dir.resolve(PeftAdapters.CONFIG_FILE));
        for (String field : List.of("\"peft_type\": \"LORA\"", "\"task_type\": \"CAUSAL_LM\"",
                "\"base_model_name_or_path\": \"stories-base\"", "\"r\": 4", "\"lora_alpha\": 8.0",
                "\"bias\": \"none\"", "\"use_rslora\": false")) {
            assertTrue(config.contains(field), field + " in " + config);
        }
        lora.delete("default");
        assertArrayEquals(logitsOfBase(), logits(), 0f);
        PeftAdapters.load(lora, dir, "loaded");
        assertArrayEquals(adapted, logits(), 1e-6f);
    }

    private float[] logitsOfBase() {
        lora.setEnabled(false);
        float[] out = logits();
        lora.setEnabled(true);
        return out;
    }

    /** An adapter directory laid out exactly as PEFT's save_pretrained writes one (config fields and key names). */
    private Path peftFixture(String targets, Map<String, long[]> shapes) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("peft"));
        Files.writeString(dir.resolve("adapter_config.json"), "{\"alpha_pattern\": {}, \"auto_mapping\": null,"
                + " \"base_model_name_or_path\": \"tiny\", \"bias\": \"none\", \"fan_in_fan_out\": false,"
                + " \"inference_mode\": true, \"init_lora_weights\": true, \"layer_replication\": null,"
                + " \"layers_pattern\": null, \"layers_to_transform\": null, \"loftq_config\": {},"
                + " \"lora_alpha\": 16, \"lora_dropout\": 0.1, \"megatron_config\": null,"
                + " \"megatron_core\": \"megatron.core\", \"modules_to_save\": null, \"peft_type\": \"LORA\","
                + " \"r\": 2, \"rank_pattern\": {}, \"revision\": null, \"target_modules\": " + targets + ","
                + " \"task_type\": \"CAUSAL_LM\", \"use_dora\": false, \"use_rslora\": false,"
                + " \"peft_version\": \"0.17.0\", \"exclude_modules\": null, \"lora_bias\": false}");
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        int seed = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = e.getValue()[0] * e.getValue()[1];
            tensors.put(e.getKey(), new HostTensor(random(n, seed++), e.getValue()));
        }
        SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), tensors, DType.F32);
        return dir;
    }

    @Test
    void loadsPeftLayoutAndComputesWPlusScaledBA() throws Exception {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            shapes.put("base_model.model.model.layers." + i + ".self_attn.v_proj.lora_A.weight", new long[] {2, 32});
            shapes.put("base_model.model.model.layers." + i + ".self_attn.v_proj.lora_B.weight", new long[] {16, 2});
        }
        Path dir = peftFixture("[\"v_proj\"]", shapes);
        float[] base = logits();
        Map<String, float[]> byKey = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            for (String k : f.names()) {
                byKey.put(k, f.readFloats(k));
            }
        }
        PeftAdapters.load(lora, dir, "peft");
        assertEquals(8.0, lora.config("peft").scaling(), 0); // 16 / 2
        float[] adapted = logits();
        assertTrue(maxDiff(base, adapted) > 1e-4);
        // the same change made by hand: W_v += 8 * B A on each layer
        lora.setEnabled(false);
        for (int i = 0; i < 2; i++) {
            String p = "base_model.model.model.layers." + i + ".self_attn.v_proj.";
            NDArray w = model.linears().get("model.layers." + i + ".self_attn.v_proj").weight();
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray a = m.create(byKey.get(p + "lora_A.weight"), new Shape(2, 32));
                NDArray b = m.create(byKey.get(p + "lora_B.weight"), new Shape(16, 2));
                w.addi(b.matMul(a).mul(8.0));
            }
        }
        assertTrue(maxDiff(adapted, logits()) < 1e-5);
    }

    @Test
    void refusesAdaptersThatDoNotFit() throws Exception {
        Map<String, long[]> wrongShape = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            wrongShape.put("base_model.model.model.layers." + i + ".self_attn.q_proj.lora_A.weight", new long[] {2, 64});
            wrongShape.put("base_model.model.model.layers." + i + ".self_attn.q_proj.lora_B.weight", new long[] {32, 2});
        }
        Path dir = peftFixture("[\"q_proj\"]", wrongShape);
        var e = assertThrows(IllegalArgumentException.class, () -> PeftAdapters.load(lora, dir, "x"));
        assertTrue(e.getMessage().contains("does not fit model.layers.0.self_attn.q_proj"), e.getMessage());
        assertTrue(e.getMessage().contains("adapter_model.safetensors"), e.getMessage());

        Map<String, long[]> missingB = new LinkedHashMap<>();
        missingB.put("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", new long[] {2, 32});
        Path dir2 = peftFixture("[\"q_proj\"]", missingB);
        var e2 = assertThrows(IllegalArgumentException.class, () -> PeftAdapters.load(lora, dir2, "y"));
        assertTrue(e2.getMessage().contains("missing"), e2.getMessage());

        Files.writeString(dir2.resolve("adapter_config.json"), "{\"peft_type\": \"LORA\", \"target_modules\":"
                + " [\"q_proj\"], \"use_dora\": true}");
        var e3 = assertThrows(IllegalArgumentException.class, () -> PeftAdapters.load(lora, dir2, "z"));
        assertTrue(e3.getMessage().contains("DoRA"), e3.getMessage());
        assertTrue(lora.names().isEmpty(), "nothing half-installed");
    }

    private static float[] random(long n, int seed) {
        Random r = new Random(seed);
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (r.nextGaussian() * 0.1);
        }
        return out;
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
