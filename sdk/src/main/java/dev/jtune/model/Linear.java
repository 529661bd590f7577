package dev.jtune.model;

import ai.djl.ndarray.NDArray;

/**
 * A bias-free linear projection {@code y = x W^T}, with its weight under its Hugging Face name, and an optional
 * adapter (LoRA) whose output is added.
 */
public final class Linear {

    private final String name;
    private final NDArray weight;
    private LinearAdapter adapter;

    /**
     * @param name   HF module path, e.g. {@code model.layers.0.self_attn.q_proj}
     * @param weight (out, in)
     */
    public Linear(String name, NDArray weight) {
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException(name + ": a linear weight must be 2-D, got " + weight.getShape());
        }
        this.name = name;
        this.weight = weight;
    }

    /** x (..., in) -> (..., out). */
    public NDArray forward(NDArray x) {
        NDArray y = x.getNDArrayInternal().linear(x, weight, null).singletonOrThrow(); // (..., out)
        NDArray delta = adapter == null ? null : adapter.delta(x);                     // (..., out)
        return delta == null ? y : y.add(delta);
    }

    /** Sets (or with null removes) the adapter whose output is added to this layer's. */
    public void setAdapter(LinearAdapter adapter) {
        this.adapter = adapter;
    }

    public LinearAdapter adapter() {
        return adapter;
    }

    public String name() {
        return name;
    }

    public NDArray weight() {
        return weight;
    }

    public long inFeatures() {
        return weight.getShape().get(1);
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }
}
