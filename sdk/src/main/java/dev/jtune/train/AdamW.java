package dev.jtune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW written out in NDArray ops (DJL's own Adam turns gradients into NaN at times, see the project notes), with
 * the update of {@code torch.optim.AdamW}: for step {@code t} with gradient {@code g},
 * <pre>
 * p  = p * (1 - lr * wd)                         decoupled weight decay (skipped for 1-D tensors by default)
 * m  = b1 * m + (1 - b1) * g
 * v  = b2 * v + (1 - b2) * g^2
 * p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 * Parameters and moments are updated in place; temporaries live in a scratch manager closed after each step. The
 * moments live in the optimizer's own manager, which {@link #close()} releases. Gradients are read, not zeroed.
 */
public final class AdamW implements AutoCloseable {

    /** Suffix of the first-moment state of a parameter, as in torch's {@code state_dict}. */
    public static final String EXP_AVG = ".exp_avg";
    /** Suffix of the second-moment state of a parameter. */
    public static final String EXP_AVG_SQ = ".exp_avg_sq";

    private final Map<String, NDArray> params;
    private final AdamWConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private long steps;

    /**
     * An optimizer over the given trainable parameters (FLOAT32 arrays with gradients attached), in the map's
     * iteration order. The map is kept, not copied, so the parameters must stay open while it is used.
     */
    public AdamW(Map<String, NDArray> params, AdamWConfig config) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("AdamW needs at least one trainable parameter");
        }
        this.params = params;
        this.config = config;
        NDArray first = params.values().iterator().next();
        this.manager = first.getManager().getEngine().newBaseManager(first.getDevice());
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            if (p.getDataType() != DataType.FLOAT32) {
                manager.close();
                throw new IllegalArgumentException("trainable parameter '" + e.getKey() + "' is "
                        + p.getDataType() + "; the optimizer needs FLOAT32");
            }
            if (!p.hasGradient()) {
                manager.close();
                throw new IllegalArgumentException("trainable parameter '" + e.getKey()
                        + "' has no gradient: call setRequiresGradient(true) on it");
            }
            expAvg.put(e.getKey(), manager.zeros(p.getShape(), DataType.FLOAT32, p.getDevice()));
            expAvgSq.put(e.getKey(), manager.zeros(p.getShape(), DataType.FLOAT32, p.getDevice()));
        }
    }

    /** Applies one update with learning rate {@code lr} from the gradients the parameters hold now. */
    public void step(double lr) {
        steps++;
        double b1 = config.beta1();
        double b2 = config.beta2();
        double bc1 = 1 - Math.pow(b1, steps);
        double sqrtBc2 = Math.sqrt(1 - Math.pow(b2, steps));
        // The scalars are made once per step, not once per op and parameter: each float argument to an op would
        // otherwise be a new native array and a direct buffer left for the garbage collector.
        try (NDManager stepScope = manager.newSubManager()) {
            NDArray beta1 = stepScope.create((float) b1);
            NDArray oneMinusBeta1 = stepScope.create((float) (1 - b1));
            NDArray beta2 = stepScope.create((float) b2);
            NDArray oneMinusBeta2 = stepScope.create((float) (1 - b2));
            NDArray decay = stepScope.create((float) (1 - lr * config.weightDecay()));
            NDArray stepSize = stepScope.create((float) (lr / bc1));
            NDArray biasCorrection2 = stepScope.create((float) sqrtBc2);
            NDArray eps = stepScope.create((float) config.eps());
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue();
                NDArray m = expAvg.get(e.getKey());
                NDArray v = expAvgSq.get(e.getKey());
                try (NDManager scratch = stepScope.newSubManager()) {
                    NDArray g = p.getGradient();
                    g.attach(scratch);
                    m.tempAttach(scratch);
                    v.tempAttach(scratch);
                    m.muli(beta1).addi(g.mul(oneMinusBeta1));
                    v.muli(beta2).addi(g.square().muli(oneMinusBeta2));
                    if (config.weightDecay() > 0 && (config.decayOneDim() || p.getShape().dimension() > 1)) {
                        p.muli(decay);
                    }
                    NDArray denom = v.sqrt().divi(biasCorrection2).addi(eps);
                    p.subi(m.mul(stepSize).divi(denom));
                }
            }
        }
    }

    /** How many updates have been applied (torch's {@code step}). */
    public long steps() {
        return steps;
    }

    /**
     * The moments under torch-style names ({@code NAME.exp_avg}, {@code NAME.exp_avg_sq}). The arrays are the live
     * state, owned by this optimizer: read or save them, do not close them.
     */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            out.put(name + EXP_AVG, expAvg.get(name));
            out.put(name + EXP_AVG_SQ, expAvgSq.get(name));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Replaces the moments and the step count with saved ones (as {@link #state()} names them), copying values
     * into this optimizer's arrays. Every moment must be present with its parameter's shape.
     */
    public void load(Map<String, NDArray> state, long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("optimizer step count must be >= 0, got " + steps);
        }
        Map<String, NDArray> mine = state();
        for (Map.Entry<String, NDArray> e : mine.entrySet()) {
            NDArray saved = state.get(e.getKey());
            if (saved == null) {
                throw new IllegalArgumentException("optimizer state lacks '" + e.getKey() + "'");
            }
            if (!saved.getShape().equals(e.getValue().getShape())) {
                throw new IllegalArgumentException("optimizer state '" + e.getKey() + "' has shape "
                        + saved.getShape() + ", expected " + e.getValue().getShape());
            }
        }
        for (Map.Entry<String, NDArray> e : mine.entrySet()) {
            e.getValue().set(state.get(e.getKey()).toFloatArray());
        }
        this.steps = steps;
    }

    /** Releases the moments. */
    @Override
    public void close() {
        manager.close();
    }
}
