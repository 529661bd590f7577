package dev.jtune.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.engine.Scalars;
import dev.jtune.model.Linear;
import dev.jtune.model.LinearAdapter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The LoRA adapters of one projection, by adapter name. Whether one is active, disabled or merged is decided by
 * the owning {@link LoraModel}; this layer holds the weights and computes {@code scaling * B A dropout(x)}.
 */
final class LoraLayer implements LinearAdapter {

    /** One adapter's weights on this layer: A (r, in) and B (out, r). */
    record Pair(NDArray a, NDArray b, double scaling, double dropout) {
    }

    private final Linear base;
    private final LoraModel owner;
    private final Map<String, Pair> adapters = new LinkedHashMap<>();

    LoraLayer(Linear base, LoraModel owner) {
        this.base = base;
        this.owner = owner;
    }

    Linear base() {
        return base;
    }

    Map<String, Pair> adapters() {
        return adapters;
    }

    @Override
    public NDArray delta(NDArray x) {
        String active = owner.activeForCompute();
        Pair p = active == null ? null : adapters.get(active);
        if (p == null) {
            return null;
        }
        NDArray in = x;                                                                 // (..., in)
        if (owner.isTraining() && p.dropout() > 0) {
            in = x.getNDArrayInternal().dropout(x, (float) p.dropout(), true).singletonOrThrow();
        }
        // scale the rank-r intermediate rather than the (much wider) output: same product, r/out of the work
        NDArray down = Scalars.times(in.getNDArrayInternal().linear(in, p.a(), null).singletonOrThrow(), p.scaling()); // (..., r)
        return down.getNDArrayInternal().linear(down, p.b(), null).singletonOrThrow();                     // (..., out)
    }

    /** W += sign * scaling * B A, in place on the base weight. */
    void fold(String name, int sign) {
        Pair p = adapters.get(name);
        if (p == null) {
            return;
        }
        NDArray w = base.weight();
        try (NDManager scratch = w.getManager().newSubManager()) {
            NDArray b = p.b().duplicate();
            b.attach(scratch);
            NDArray delta = b.matMul(p.a()).mul(sign * p.scaling()); // (out, in)
            w.addi(delta);
        }
    }
}
