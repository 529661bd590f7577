package dev.jtune.io;

import dev.jtune.model.LlamaConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face names and shapes of a LLaMA checkpoint's tensors ({@code nn.Linear} weights are
 * {@code [out, in]}), the one list that readers, writers and the model share.
 */
public final class LlamaLayout {

    /** Token embeddings, {@code [vocab, hidden]}. */
    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    /** Final RMSNorm weight, {@code [hidden]}. */
    public static final String NORM = "model.norm.weight";
    /** Output head, {@code [vocab, hidden]}; absent when the config ties it to the embeddings. */
    public static final String LM_HEAD = "lm_head.weight";

    private LlamaLayout() {
    }

    /** Prefix of layer {@code i}'s tensor names: {@code model.layers.i.}. */
    public static String layer(int i) {
        return "model.layers." + i + ".";
    }

    /** Every tensor {@code config} needs, in model order: embeddings, each layer, final norm, head if untied. */
    public static Map<String, long[]> expectedShapes(LlamaConfig config) {
        long h = config.hiddenSize();
        long q = config.qDim();
        long kv = config.kvDim();
        long ffn = config.intermediateSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(EMBED_TOKENS, new long[] {config.vocabSize(), h});
        for (int i = 0; i < config.numLayers(); i++) {
            String p = layer(i);
            shapes.put(p + "input_layernorm.weight", new long[] {h});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            shapes.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {h});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {ffn, h});
            shapes.put(p + "mlp.up_proj.weight", new long[] {ffn, h});
            shapes.put(p + "mlp.down_proj.weight", new long[] {h, ffn});
        }
        shapes.put(NORM, new long[] {h});
        if (!config.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new long[] {config.vocabSize(), h});
        }
        return Collections.unmodifiableMap(shapes);
    }

    /**
     * Checks that {@code tensors} holds every tensor {@code config} needs, floating and of the right shape; extra
     * tensors are allowed. Throws {@link InvalidCheckpointException} listing the problems, prefixed by {@code where}.
     */
    public static void validate(LlamaConfig config, TensorSource tensors, String where) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            String name = e.getKey();
            if (!tensors.names().contains(name)) {
                problems.add("missing tensor " + name + " " + Arrays.toString(e.getValue()));
                continue;
            }
            TensorInfo info = tensors.info(name);
            if (!Arrays.equals(info.shape(), e.getValue())) {
                problems.add("tensor " + name + " has wrong shape " + Arrays.toString(info.shape())
                        + ", config needs " + Arrays.toString(e.getValue()));
            } else if (!info.dtype().isFloating()) {
                problems.add("tensor " + name + " has dtype " + info.dtype() + ", not a float type");
            }
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 5);
            String more = problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : "";
            throw new InvalidCheckpointException(where + ": tensors do not match the config: "
                    + String.join("; ", problems.subList(0, shown)) + more);
        }
    }
}
