package dev.jtune.model;

import ai.djl.ndarray.NDArray;

/** Something added to a {@link Linear}'s output, such as a LoRA update: {@code y = x W^T + delta(x)}. */
public interface LinearAdapter {

    /** x (..., in) -> (..., out), or null when the adapter contributes nothing right now (disabled, merged). */
    NDArray delta(NDArray x);
}
