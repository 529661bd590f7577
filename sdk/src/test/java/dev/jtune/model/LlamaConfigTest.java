package dev.jtune.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlamaConfigTest {

    private static final String BASE = "\"vocab_size\": 128256, \"hidden_size\": 2048, \"intermediate_size\": 8192,"
            + "\"num_hidden_layers\": 16, \"num_attention_heads\": 32, \"num_key_value_heads\": 8,"
            + "\"max_position_embeddings\": 131072, \"rms_norm_eps\": 1e-05, \"tie_word_embeddings\": true,"
            + "\"bos_token_id\": 128000, \"eos_token_id\": [128001, 128008, 128009]";

    @Test
    void readsLlama32WithV4RopeScaling() {
        LlamaConfig c = LlamaConfig.parse("{" + BASE + ", \"rope_theta\": 500000.0, \"rope_scaling\": {"
                + "\"rope_type\": \"llama3\", \"factor\": 32.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
                + "\"original_max_position_embeddings\": 8192}}", "cfg");
        assertEquals(64, c.headDim()); // hidden / heads when head_dim is absent
        assertEquals(8, c.numKvHeads());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(List.of(128001, 128008, 128009), c.eosTokenIds());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals("llama3", c.ropeScaling().type());
        assertEquals(32.0, c.ropeScaling().factor());
    }

    @Test
    void readsV5RopeParametersWithThetaInside() {
        LlamaConfig c = LlamaConfig.parse("{" + BASE + ", \"rope_parameters\": {\"rope_type\": \"linear\","
                + "\"factor\": 2.0, \"rope_theta\": 250000.0}}", "cfg");
        assertEquals(250000.0, c.ropeTheta());
        assertEquals("linear", c.ropeScaling().type());
        // linear scaling divides every inverse frequency by the factor
        double[] inv = c.ropeScaling().inverseFrequencies(64, 250000.0);
        assertEquals(0.5, inv[0], 1e-15);
    }

    @Test
    void oldTypeKeyAndSingleEos() {
        LlamaConfig c = LlamaConfig.parse("{\"vocab_size\": 10, \"hidden_size\": 8, \"intermediate_size\": 16,"
                + "\"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"eos_token_id\": 2,"
                + "\"rope_scaling\": {\"type\": \"linear\", \"factor\": 4.0}}", "cfg");
        assertEquals(2, c.numKvHeads()); // absent kv heads means multi-head attention
        assertEquals(List.of(2), c.eosTokenIds());
        assertEquals("linear", c.ropeScaling().type());
    }

    @Test
    void llama3ScalingMatchesHandComputedFrequencies() {
        RopeScaling s = new RopeScaling("llama3", 8.0, 1.0, 4.0, 8192);
        double[] inv = s.inverseFrequencies(128, 500000.0);
        // i = 0: wavelength 2*pi < 8192/4 = 2048, unchanged: 1/500000^0 = 1
        assertEquals(1.0, inv[0], 0);
        // i = 32: base 1/sqrt(500000) = 0.00141421356..., wavelength 4442.88 lies in (2048, 8192):
        // smooth = (8192/4442.88 - 1) / (4 - 1) = 0.2812826; (1 - smooth) * f / 8 + smooth * f = 0.00052484616
        assertEquals(0.0005248461609929547, inv[32], 1e-15);
        // i = 50: wavelength 178032 > 8192, divided by the factor: 3.5292277e-05 / 8
        assertEquals(3.529227739646723e-05 / 8, inv[50], 1e-18);
    }

    @Test
    void roundTripsThroughToJson() {
        LlamaConfig c = LlamaConfig.parse("{" + BASE + ", \"rope_theta\": 500000.0, \"rope_scaling\": {"
                + "\"rope_type\": \"llama3\", \"factor\": 32.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
                + "\"original_max_position_embeddings\": 8192}}", "cfg");
        assertEquals(c, LlamaConfig.parse(c.toJson(), "again"));
    }

    @Test
    void badConfigsNameTheSourceAndTheProblem() {
        var notJson = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse("{oops", "a.json"));
        assertTrue(notJson.getMessage().startsWith("a.json: config is not valid JSON"), notJson.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> LlamaConfig.parse("{\"vocab_size\": 10}", "b.json"));
        assertTrue(missing.getMessage().contains("b.json") && missing.getMessage().contains("hidden_size"));
        var gqa = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse("{\"vocab_size\": 10,"
                + "\"hidden_size\": 8, \"intermediate_size\": 16, \"num_hidden_layers\": 1,"
                + "\"num_attention_heads\": 3, \"num_key_value_heads\": 2}", "c.json"));
        assertTrue(gqa.getMessage().contains("multiple of num_key_value_heads"), gqa.getMessage());
        var rope = assertThrows(IllegalArgumentException.class, () -> LlamaConfig.parse("{" + BASE
                + ", \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}}", "d.json"));
        assertTrue(rope.getMessage().contains("unsupported rope type 'yarn'"), rope.getMessage());
    }
}
