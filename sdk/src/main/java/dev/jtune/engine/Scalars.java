package dev.jtune.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for tensor code that autograd may differentiate.
 *
 * <p>Never pass a Java number to {@code mul}, {@code div}, {@code pow}, {@code maximum} or {@code minimum} in a
 * trainable graph. DJL turns the number into a 0-dim array over a direct buffer, runs the op and closes that array
 * at once; PyTorch's autograd has saved it for the backward pass (the gradient of {@code x * c} reads {@code c}), and
 * once the garbage collector frees the buffer, backward reads freed memory. The result is a gradient that is wrong
 * or NaN only when a collection falls between forward and backward: an intermittent, non-reproducible training step
 * ({@code ScalarsTest} shows it every time). {@code add} and {@code sub} never read the operand in backward, and
 * ops outside autograd (optimizer updates, inference) are unaffected.
 *
 * <p>The arrays made here are allocated by the engine and belong to the caller's manager, so they live as long as
 * the graph that saved them.
 */
public final class Scalars {

    private Scalars() {
    }

    /** A 0-dim float32 array holding {@code value}, owned by the engine and attached to {@code manager}. */
    public static NDArray of(NDManager manager, double value) {
        return manager.full(new Shape(), (float) value);
    }

    /** x * c, safe under autograd. */
    public static NDArray times(NDArray x, double c) {
        return x.mul(of(x.getManager(), c));
    }

    /** max(x, c) elementwise, safe under autograd. */
    public static NDArray atLeast(NDArray x, double c) {
        return x.maximum(of(x.getManager(), c));
    }
}
