package dev.jtune.align;

import ai.djl.ndarray.NDArray;
import dev.jtune.engine.Scalars;

/** {@code log(sigmoid(x))} computed without overflow for large |x|, as the preference losses need it. */
final class LogSigmoid {

    private LogSigmoid() {
    }

    /** log σ(x) = -(max(-x, 0) + log(1 + exp(-|x|))), elementwise, same shape as {@code x}; exp(-|x|) lies in (0, 1]. */
    static NDArray of(NDArray x) {
        return Scalars.atLeast(x.neg(), 0).add(x.abs().neg().exp().add(1f).log()).neg();
    }
}
