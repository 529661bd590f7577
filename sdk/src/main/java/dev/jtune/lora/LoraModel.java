package dev.jtune.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.model.Linear;
import dev.jtune.model.LlamaInit;
import dev.jtune.model.LlamaModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Named LoRA adapters over a frozen {@link LlamaModel}, as PEFT keeps them: add several, pick the active one,
 * disable all of them to get the base model back (the reference model of DPO and PPO, with no second copy of the
 * weights), merge the active one into the base weights and unmerge it again, delete one.
 *
 * <p>Trainable parameters are named as PEFT saves them, e.g.
 * {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}.
 */
public final class LoraModel implements AutoCloseable {

    /** Prefix PEFT's wrappers put before the HF module path in saved keys. */
    public static final String PEFT_PREFIX = "base_model.model.";

    private final LlamaModel model;
    private final NDManager manager;
    private final Map<String, LoraLayer> layers = new LinkedHashMap<>();
    private final Map<String, LoraConfig> configs = new LinkedHashMap<>();
    private String active;
    private String merged;
    private boolean enabled = true;
    private boolean training;

    private LoraModel(LlamaModel model) {
        this.model = model;
        this.manager = model.manager().newSubManager();
    }

    /** Prepares {@code model} to hold adapters; the model must not already be wrapped. */
    public static LoraModel wrap(LlamaModel model) {
        LoraModel lora = new LoraModel(model);
        for (Map.Entry<String, Linear> e : model.linears().entrySet()) {
            if (e.getValue().adapter() != null) {
                throw new IllegalStateException(e.getKey() + " already has an adapter: the model is wrapped twice");
            }
            LoraLayer layer = new LoraLayer(e.getValue(), lora);
            e.getValue().setAdapter(layer);
            lora.layers.put(e.getKey(), layer);
        }
        return lora;
    }

    public LlamaModel model() {
        return model;
    }

    /** Adds a fresh adapter (B = 0, so outputs are unchanged) and makes it active. */
    public void add(String name, LoraConfig config, long seed) {
        if (configs.containsKey(name)) {
            throw new IllegalArgumentException("adapter '" + name + "' already exists");
        }
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, NDArray[]> weights = new LinkedHashMap<>();
        for (Map.Entry<String, LoraLayer> e : layers.entrySet()) {
            if (!config.targets(e.getKey())) {
                continue;
            }
            Linear base = e.getValue().base();
            int in = (int) base.inFeatures();
            int out = (int) base.outFeatures();
            float[] a;
            if (config.init() == LoraConfig.Init.GAUSSIAN) {
                a = LlamaInit.normal(random, config.r() * in, 1.0 / config.r());
            } else {
                a = new float[config.r() * in];
                double bound = 1.0 / Math.sqrt(in); // Kaiming-uniform, a = sqrt(5): sqrt(1/3) * sqrt(3 / in)
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            }
            weights.put(e.getKey(), new NDArray[] {
                manager.create(a, new Shape(config.r(), in)),
                manager.zeros(new Shape(out, config.r()))});
        }
        install(name, config, weights);
    }

    /**
     * Adds an adapter with given weights: module path -> {A (r, in), B (out, r)}; arrays are taken over. Used by
     * loading; every target module of {@code config} must be present with the right shapes.
     */
    void install(String name, LoraConfig config, Map<String, NDArray[]> weights) {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("adapter '" + name + "' targets no module of this model");
        }
        for (Map.Entry<String, NDArray[]> e : weights.entrySet()) {
            LoraLayer layer = layers.get(e.getKey());
            if (layer == null) {
                throw new IllegalArgumentException("adapter '" + name + "' has weights for " + e.getKey()
                        + ", which this model does not have");
            }
            NDArray a = e.getValue()[0];
            NDArray b = e.getValue()[1];
            Shape wantA = new Shape(config.r(), layer.base().inFeatures());
            Shape wantB = new Shape(layer.base().outFeatures(), config.r());
            if (!a.getShape().equals(wantA) || !b.getShape().equals(wantB)) {
                throw new IllegalArgumentException("adapter '" + name + "' does not fit " + e.getKey() + ": lora_A "
                        + a.getShape() + " and lora_B " + b.getShape() + ", expected " + wantA + " and " + wantB);
            }
            a.attach(manager);
            b.attach(manager);
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            layer.adapters().put(name, new LoraLayer.Pair(a, b, config.scaling(), config.dropout()));
        }
        configs.put(name, config);
        if (merged == null) {
            active = name;
        }
    }

    public List<String> names() {
        return new ArrayList<>(configs.keySet());
    }

    public LoraConfig config(String name) {
        LoraConfig c = configs.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no adapter named '" + name + "' (have " + configs.keySet() + ")");
        }
        return c;
    }

    /** Makes {@code name} the adapter that forward passes use. */
    public void setActive(String name) {
        config(name);
        if (merged != null && !merged.equals(name)) {
            throw new IllegalStateException("adapter '" + merged + "' is merged: unmerge it before switching");
        }
        active = name;
    }

    public String active() {
        return active;
    }

    /** Turns every adapter off (true = the base model) or back on. */
    public void setEnabled(boolean on) {
        enabled = on;
    }

    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Runs with adapters disabled until closed: {@code try (var base = lora.disabled()) { ... }}. Also undoes
     * a merge for the duration, so the base weights really are the base.
     */
    public AutoCloseable disabledScope() {
        boolean wasEnabled = enabled;
        String wasMerged = merged;
        if (wasMerged != null) {
            unmerge();
        }
        enabled = false;
        return () -> {
            enabled = wasEnabled;
            if (wasMerged != null) {
                merge();
            }
        };
    }

    /** Dropout in adapters is applied only while training. */
    public void setTraining(boolean on) {
        training = on;
    }

    public boolean isTraining() {
        return training;
    }

    /** The adapter a forward pass should add right now, or null (disabled, merged, or none). */
    String activeForCompute() {
        return enabled && merged == null ? active : null;
    }

    /** Adds the active adapter into the base weights (faster inference); {@link #unmerge} takes it out again. */
    public void merge() {
        if (active == null) {
            throw new IllegalStateException("no adapter to merge");
        }
        if (merged != null) {
            throw new IllegalStateException("adapter '" + merged + "' is already merged");
        }
        layers.values().forEach(l -> l.fold(active, +1));
        merged = active;
    }

    public void unmerge() {
        if (merged == null) {
            throw new IllegalStateException("no adapter is merged");
        }
        layers.values().forEach(l -> l.fold(merged, -1));
        merged = null;
    }

    public String merged() {
        return merged;
    }

    /** Removes an adapter and frees its weights. */
    public void delete(String name) {
        config(name);
        if (name.equals(merged)) {
            throw new IllegalStateException("adapter '" + name + "' is merged: unmerge it first");
        }
        for (LoraLayer layer : layers.values()) {
            LoraLayer.Pair p = layer.adapters().remove(name);
            if (p != null) {
                p.a().close();
                p.b().close();
            }
        }
        configs.remove(name);
        if (name.equals(active)) {
            active = configs.isEmpty() ? null : configs.keySet().iterator().next();
        }
    }

    /** The trainable weights of adapter {@code name}, under PEFT's saved key names, in module order. */
    public Map<String, NDArray> parameters(String name) {
        config(name);
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (Map.Entry<String, LoraLayer> e : layers.entrySet()) {
            LoraLayer.Pair p = e.getValue().adapters().get(name);
            if (p != null) {
                m.put(PEFT_PREFIX + e.getKey() + ".lora_A.weight", p.a());
                m.put(PEFT_PREFIX + e.getKey() + ".lora_B.weight", p.b());
            }
        }
        return m;
    }

    /** Module paths (e.g. model.layers.0.self_attn.q_proj) that can take an adapter. */
    public List<String> modules() {
        return new ArrayList<>(layers.keySet());
    }

    /** Removes the adapters from the model's layers and frees their weights; the base model stays usable. */
    @Override
    public void close() {
        if (merged != null) {
            unmerge();
        }
        layers.values().forEach(l -> l.base().setAdapter(null));
        manager.close();
    }
}
