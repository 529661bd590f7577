package dev.jtune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import java.util.Collection;

/**
 * In-place operations on the gradients of trainable parameters. {@code getGradient()} returns a new handle that
 * views the real gradient each time it is called; every method here closes the handles it takes. The collection
 * must not be empty.
 */
public final class Gradients {

    private static final NDIndex ALL = new NDIndex("...");

    private Gradients() {
    }

    /** Multiplies every gradient by {@code factor}. */
    public static void scale(Collection<NDArray> params, double factor) {
        try (NDManager scratch = scratch(params)) {
            NDArray f = scratch.create((float) factor);
            for (NDArray p : params) {
                gradient(p, scratch).muli(f);
            }
        }
    }

    /** Sets every gradient to zero (also where it holds NaN or infinity); gradients accumulate otherwise. */
    public static void zero(Collection<NDArray> params) {
        try (NDManager scratch = scratch(params)) {
            NDArray zero = scratch.create(0f);
            for (NDArray p : params) {
                gradient(p, scratch).set(ALL, zero);
            }
        }
    }

    /** The L2 norm of all gradients taken together, as one vector. NaN or infinite if any gradient is. */
    public static double globalNorm(Collection<NDArray> params) {
        try (NDManager scratch = scratch(params)) {
            NDArray total = null;
            for (NDArray p : params) {
                NDArray sq = gradient(p, scratch).square().sum();
                total = total == null ? sq : total.addi(sq);
            }
            return Math.sqrt(total.getFloat());
        }
    }

    /**
     * Global-norm clipping as {@code torch.nn.utils.clip_grad_norm_} does it: when the norm of all gradients
     * exceeds {@code maxNorm}, each is scaled in place by {@code maxNorm / (norm + 1e-6)}; otherwise none changes.
     *
     * @param maxNorm the largest norm allowed; 0 or less measures without clipping
     * @return the norm before clipping
     */
    public static double clipGlobalNorm(Collection<NDArray> params, double maxNorm) {
        double norm = globalNorm(params);
        if (maxNorm > 0 && norm > maxNorm) {
            scale(params, maxNorm / (norm + 1e-6));
        }
        return norm;
    }

    /**
     * A manager for one pass over the gradients: handles and temporaries land there instead of in the parameters'
     * long-lived manager, and go when it closes.
     */
    private static NDManager scratch(Collection<NDArray> params) {
        NDArray first = params.iterator().next();
        return first.getManager().getEngine().newBaseManager(first.getDevice());
    }

    /** A new handle on the gradient of {@code p}, owned by {@code scratch}. */
    private static NDArray gradient(NDArray p, NDManager scratch) {
        NDArray g = p.getGradient();
        g.attach(scratch);
        return g;
    }
}
