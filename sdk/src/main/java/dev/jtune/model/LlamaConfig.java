package dev.jtune.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture of a LLaMA-style decoder, as Hugging Face's {@code config.json} for {@code LlamaForCausalLM}
 * describes it. Accepts both the v4 layout ({@code rope_theta} + {@code rope_scaling}) and the v5 layout
 * ({@code rope_parameters}), and {@code eos_token_id} as a number or a list.
 *
 * @param bosTokenId  -1 when the config names none
 * @param padTokenId  -1 when the config names none
 */
public record LlamaConfig(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                          int numKvHeads, int headDim, int maxPositionEmbeddings, double rmsNormEps,
                          double ropeTheta, RopeScaling ropeScaling, boolean tieWordEmbeddings,
                          int bosTokenId, List<Integer> eosTokenIds, int padTokenId) {

    public LlamaConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("num_key_value_heads", numKvHeads);
        positive("head_dim", headDim);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads
                    + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
        }
        if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
            throw new IllegalArgumentException("rms_norm_eps and rope_theta must be positive");
        }
        ropeScaling = ropeScaling == null ? RopeScaling.NONE : ropeScaling;
        eosTokenIds = List.copyOf(eosTokenIds == null ? List.of() : eosTokenIds);
    }

    /** A config with the usual defaults for the rest: head_dim = hidden / heads, theta 10000, eps 1e-5. */
    public static LlamaConfig of(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                                 int numKvHeads, int maxPositionEmbeddings) {
        return new LlamaConfig(vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                hiddenSize / numHeads, maxPositionEmbeddings, 1e-5, 10000.0, RopeScaling.NONE, false,
                1, List.of(2), -1);
    }

    public int qDim() {
        return numHeads * headDim;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Parameters that take part in matrix multiplies (every weight but the embeddings), for FLOP counts. */
    public long nonEmbeddingParameters() {
        long d = hiddenSize;
        long perLayer = d * qDim() + 2 * d * kvDim() + (long) qDim() * d + 3 * d * intermediateSize + 2 * d;
        return numLayers * perLayer + d + (long) vocabSize * d;
    }

    /** Parses a {@code config.json} text; {@code source} names it in error messages. */
    public static LlamaConfig parse(String json, String source) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(source + ": config is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(source + ": config is not valid JSON: " + e.getMessage(), e);
        }
        try {
            String modelType = string(o, "model_type", "llama");
            if (!List.of("llama", "mistral", "qwen2").contains(modelType)) {
                throw new IllegalArgumentException("model_type '" + modelType + "' is not a LLaMA-style decoder");
            }
            String act = string(o, "hidden_act", "silu");
            if (!act.equals("silu")) {
                throw new IllegalArgumentException("hidden_act '" + act + "' is not supported (silu only)");
            }
            if (bool(o, "attention_bias", false) || bool(o, "mlp_bias", false)) {
                throw new IllegalArgumentException("attention_bias / mlp_bias are not supported");
            }
            int hidden = integer(o, "hidden_size", null);
            int heads = integer(o, "num_attention_heads", null);
            JsonObject rope = object(o, "rope_parameters");
            if (rope == null) {
                rope = object(o, "rope_scaling");
            }
            double theta = number(o, "rope_theta", rope != null ? number(rope, "rope_theta", 10000.0) : 10000.0);
            return new LlamaConfig(
                    integer(o, "vocab_size", null), hidden, integer(o, "intermediate_size", null),
                    integer(o, "num_hidden_layers", null), heads, integer(o, "num_key_value_heads", heads),
                    integer(o, "head_dim", heads > 0 ? hidden / heads : 0),
                    integer(o, "max_position_embeddings", 2048), number(o, "rms_norm_eps", 1e-6),
                    theta, ropeScaling(rope), bool(o, "tie_word_embeddings", false),
                    integer(o, "bos_token_id", -1), ids(o.get("eos_token_id")), integer(o, "pad_token_id", -1));
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static RopeScaling ropeScaling(JsonObject rope) {
        if (rope == null) {
            return RopeScaling.NONE;
        }
        String type = string(rope, "rope_type", string(rope, "type", "default"));
        return new RopeScaling(type, number(rope, "factor", 1.0), number(rope, "low_freq_factor", 1.0),
                number(rope, "high_freq_factor", 4.0), integer(rope, "original_max_position_embeddings", 0));
    }

    /** The config as HF's {@code config.json} spells it (v4 layout, which v4 and v5 both read). */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("LlamaForCausalLM"));
        m.put("model_type", "llama");
        m.put("attention_bias", false);
        m.put("attention_dropout", 0.0);
        if (bosTokenId >= 0) {
            m.put("bos_token_id", bosTokenId);
        }
        if (!eosTokenIds.isEmpty()) {
            m.put("eos_token_id", eosTokenIds.size() == 1 ? eosTokenIds.get(0) : eosTokenIds);
        }
        if (padTokenId >= 0) {
            m.put("pad_token_id", padTokenId);
        }
        m.put("head_dim", headDim);
        m.put("hidden_act", "silu");
        m.put("hidden_size", hiddenSize);
        m.put("initializer_range", 0.02);
        m.put("intermediate_size", intermediateSize);
        m.put("max_position_embeddings", maxPositionEmbeddings);
        m.put("mlp_bias", false);
        m.put("num_attention_heads", numHeads);
        m.put("num_hidden_layers", numLayers);
        m.put("num_key_value_heads", numKvHeads);
        m.put("pretraining_tp", 1);
        m.put("rms_norm_eps", rmsNormEps);
        m.put("rope_scaling", ropeScalingJson());
        m.put("rope_theta", ropeTheta);
        m.put("tie_word_embeddings", tieWordEmbeddings);
        m.put("torch_dtype", "float32");
        m.put("use_cache", true);
        m.put("vocab_size", vocabSize);
        Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls().create();
        return gson.toJson(m);
    }

    private Map<String, Object> ropeScalingJson() {
        if (ropeScaling.type().equals("default")) {
            return null;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rope_type", ropeScaling.type());
        r.put("factor", ropeScaling.factor());
        if (ropeScaling.type().equals("llama3")) {
            r.put("low_freq_factor", ropeScaling.lowFreqFactor());
            r.put("high_freq_factor", ropeScaling.highFreqFactor());
            r.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
        }
        return r;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsJsonObject();
    }

    private static String string(JsonObject o, String key, String fallback) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsString();
    }

    private static boolean bool(JsonObject o, String key, boolean fallback) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsBoolean();
    }

    private static double number(JsonObject o, String key, double fallback) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsDouble();
    }

    private static int integer(JsonObject o, String key, Integer fallback) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            if (fallback == null) {
                throw new IllegalArgumentException("missing required field '" + key + "'");
            }
            return fallback;
        }
        double d = e.getAsDouble();
        if (d != Math.rint(d)) {
            throw new IllegalArgumentException("field '" + key + "' must be an integer, got " + e);
        }
        return (int) d;
    }

    private static List<Integer> ids(JsonElement e) {
        List<Integer> out = new ArrayList<>();
        if (e == null || e.isJsonNull()) {
            return out;
        }
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            a.forEach(x -> out.add(x.getAsInt()));
        } else {
            out.add(e.getAsInt());
        }
        return out;
    }
}
