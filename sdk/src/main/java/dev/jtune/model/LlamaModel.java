package dev.jtune.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import dev.jtune.engine.Engines;
import dev.jtune.engine.Scalars;
import dev.jtune.io.TensorSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LLaMA-style decoder: token embeddings, {@code numLayers} pre-norm blocks of grouped-query attention with RoPE
 * and a SwiGLU MLP, a final RMSNorm and a (tied or untied) LM head. All compute is fp32.
 *
 * <p>Shapes: B batch, T new positions, S positions attended to (cache + new), D hidden size, H query heads,
 * K key/value heads, G = H / K queries per key head, hd head size, F intermediate size, V vocabulary.
 */
public final class LlamaModel implements AutoCloseable {

    /** One decoder block's weights, under their HF names. */
    record Block(NDArray inputNorm, Linear q, Linear k, Linear v, Linear o,
                 NDArray postNorm, Linear gate, Linear up, Linear down) {
    }

    private final LlamaConfig config;
    private final NDManager manager;
    private final NDArray embedTokens; // (V, D)
    private final List<Block> blocks;
    private final NDArray finalNorm;   // (D)
    private final Linear lmHead;       // (V, D), the embedding matrix itself when tied
    private final Rope rope;
    private final NDArray normEps;        // () RMSNorm epsilon, made once instead of per call
    private final NDArray attentionScale; // () 1 / sqrt(hd)

    private LlamaModel(LlamaConfig config, NDManager manager, Map<String, NDArray> weights) {
        this.config = config;
        this.manager = manager;
        this.embedTokens = weights.get("model.embed_tokens.weight");
        this.finalNorm = weights.get("model.norm.weight");
        this.lmHead = new Linear("lm_head", config.tieWordEmbeddings() ? embedTokens : weights.get("lm_head.weight"));
        List<Block> list = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            list.add(new Block(weights.get(p + "input_layernorm.weight"),
                    linear(weights, p + "self_attn.q_proj"), linear(weights, p + "self_attn.k_proj"),
                    linear(weights, p + "self_attn.v_proj"), linear(weights, p + "self_attn.o_proj"),
                    weights.get(p + "post_attention_layernorm.weight"),
                    linear(weights, p + "mlp.gate_proj"), linear(weights, p + "mlp.up_proj"),
                    linear(weights, p + "mlp.down_proj")));
        }
        this.blocks = Collections.unmodifiableList(list);
        this.rope = new Rope(config, manager);
        this.normEps = Scalars.of(manager, config.rmsNormEps());
        this.attentionScale = Scalars.of(manager, 1.0 / Math.sqrt(config.headDim()));
    }

    private static Linear linear(Map<String, NDArray> weights, String name) {
        return new Linear(name, weights.get(name + ".weight"));
    }

    /** Builds the model from a checkpoint's tensors (already checked against {@code config}) on {@code device}. */
    public static LlamaModel load(LlamaConfig config, TensorSource tensors, Device device) {
        NDManager manager = Engines.pytorch().newBaseManager(device);
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (String name : dev.jtune.io.LlamaLayout.expectedShapes(config).keySet()) {
            NDArray w = tensors.load(name, manager);
            w.setName(name);
            weights.put(name, w);
        }
        return new LlamaModel(config, manager, weights);
    }

    /** Builds the model from weights already in memory, e.g. freshly initialised ones; takes ownership of them. */
    public static LlamaModel of(LlamaConfig config, NDManager manager, Map<String, NDArray> weights) {
        return new LlamaModel(config, manager, weights);
    }

    public LlamaConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    /** Every weight under its HF name, in checkpoint order; a tied head is not listed twice. */
    public Map<String, NDArray> weights() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put("model.embed_tokens.weight", embedTokens);
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            String p = "model.layers." + i + ".";
            m.put(p + "input_layernorm.weight", b.inputNorm());
            for (Linear l : List.of(b.q(), b.k(), b.v(), b.o(), b.gate(), b.up(), b.down())) {
                m.put(l.name() + ".weight", l.weight());
            }
            m.put(p + "post_attention_layernorm.weight", b.postNorm());
        }
        m.put("model.norm.weight", finalNorm);
        if (!config.tieWordEmbeddings()) {
            m.put("lm_head.weight", lmHead.weight());
        }
        return m;
    }

    /** The projections of every block under their HF module names (q, k, v, o, gate, up, down), in order. */
    public Map<String, Linear> linears() {
        Map<String, Linear> m = new LinkedHashMap<>();
        for (Block b : blocks) {
            for (Linear l : List.of(b.q(), b.k(), b.v(), b.o(), b.gate(), b.up(), b.down())) {
                m.put(l.name(), l);
            }
        }
        return m;
    }

    /**
     * Logits for every new position: tokens (B, T) int64 -> (B, T, V).
     *
     * @param positions (B, T) int64 position of each token (RoPE), never above its sequence index
     *                  {@code cacheLength + t}; null means exactly that index
     * @param mask      (B or 1, 1, T, S) additive, or null for plain causal attention
     * @param cache     keys and values of earlier positions, extended by this call; null to run without one
     */
    public NDArray forward(NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
        return logits(hidden(tokens, positions, mask, cache));
    }

    /** The final-normed hidden states (B, T, D), for heads other than the LM head (reward, value). */
    public NDArray hidden(NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
        NDManager step = tokens.getManager();
        int b = (int) tokens.getShape().get(0);
        int t = (int) tokens.getShape().get(1);
        int past = cache == null ? 0 : cache.length();
        if (positions == null) {
            positions = step.arange(past, past + t).toType(ai.djl.ndarray.types.DataType.INT64, false)
                    .reshape(1, t).repeat(0, b); // (B, T)
        }
        if (mask == null && t > 1) {
            mask = AttentionMask.causal(step, b, past, t, null); // (1, 1, T, S); one query alone needs none
        }
        // Positions never exceed the sequence index (left padding lowers them, packing restarts them).
        NDList cosSin = rope.tables(positions, past + t - 1); // 2 x (B, 1, T, hd)
        NDArray x = embed(tokens);                            // (B, T, D)
        for (int i = 0; i < blocks.size(); i++) {
            x = block(i, x, cosSin.get(0), cosSin.get(1), mask, cache);
        }
        if (cache != null) {
            cache.advance(t);
        }
        return rmsNorm(x, finalNorm);                         // (B, T, D)
    }

    /** hidden (B, T, D) -> logits (B, T, V). */
    public NDArray logits(NDArray hidden) {
        return lmHead.forward(hidden);
    }

    private NDArray embed(NDArray tokens) {
        return tokens.getNDArrayInternal().embedding(tokens, embedTokens, SparseFormat.DENSE).singletonOrThrow(); // (B, T, D)
    }

    private NDArray block(int i, NDArray x, NDArray cos, NDArray sin, NDArray mask, KvCache cache) {
        Block w = blocks.get(i);
        NDArray h = x.add(attention(i, w, rmsNorm(x, w.inputNorm()), cos, sin, mask, cache)); // (B, T, D)
        return h.add(mlp(w, rmsNorm(h, w.postNorm())));                                       // (B, T, D)
    }

    private NDArray attention(int layer, Block w, NDArray x, NDArray cos, NDArray sin, NDArray mask,
                              KvCache cache) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int hd = config.headDim();
        int g = heads / kvHeads;
        NDArray q = splitHeads(w.q().forward(x), heads, hd);                             // (B, H, T, hd)
        NDArray k = splitHeads(w.k().forward(x), kvHeads, hd);                           // (B, K, T, hd)
        NDArray v = splitHeads(w.v().forward(x), kvHeads, hd);                           // (B, K, T, hd)
        q = rope.apply(q, cos, sin).mul(attentionScale);                                // (B, H, T, hd)
        k = rope.apply(k, cos, sin);                                                    // (B, K, T, hd)
        if (cache != null) {
            NDList held = cache.update(layer, k, v);
            k = held.get(0);                                                            // (B, K, S, hd)
            v = held.get(1);                                                            // (B, K, S, hd)
        }
        long s = k.getShape().get(2);
        // Query heads h = kv * G + j share key head kv: group them instead of repeating K and V.
        NDArray scores = q.reshape(b, kvHeads, g * t, hd)                               // (B, K, G*T, hd)
                .matMul(k.transpose(0, 1, 3, 2))                                        // (B, K, G*T, S)
                .reshape(b, kvHeads, g, t, s);                                          // (B, K, G, T, S)
        if (mask != null) {
            scores = scores.add(mask.expandDims(1));                                    // + (B|1, 1, 1, T, S)
        }
        NDArray out = scores.softmax(-1).reshape(b, kvHeads, g * t, s)                  // (B, K, G*T, S)
                .matMul(v);                                                             // (B, K, G*T, hd)
        return w.o().forward(mergeHeads(out, b, t, heads, hd));                         // (B, T, D)
    }

    /**
     * (B, T, n*hd) -> (B, n, T, hd). A single position (decoding) is already in that order, so a reshape does it
     * without the transpose; ops, not flops, are the cost of a decode step.
     */
    private static NDArray splitHeads(NDArray y, int n, int hd) {
        long b = y.getShape().get(0);
        long t = y.getShape().get(1);
        return t == 1 ? y.reshape(b, n, 1, hd) : y.reshape(b, t, n, hd).transpose(0, 2, 1, 3);
    }

    /** (B, K, G*T, hd) with query head h = kv * G + j -> (B, T, H*hd), the inverse of {@link #splitHeads}. */
    private static NDArray mergeHeads(NDArray out, long b, long t, int heads, int hd) {
        return t == 1 ? out.reshape(b, 1, (long) heads * hd)
                : out.reshape(b, heads, t, hd).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * hd);
    }

    private static NDArray mlp(Block w, NDArray x) {
        NDArray gate = w.gate().forward(x);                                             // (B, T, F)
        NDArray silu = gate.mul(Activation.sigmoid(gate));                              // (B, T, F)
        return w.down().forward(silu.mul(w.up().forward(x)));                           // (B, T, D)
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(normEps).sqrt(); // (B, T, 1)
        return x.div(rms).mul(weight);                                                       // (B, T, D)
    }

    @Override
    public void close() {
        manager.close();
    }
}
