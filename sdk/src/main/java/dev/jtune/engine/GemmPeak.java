package dev.jtune.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The engine's fp32 matrix-multiply throughput on this machine, measured in this process: the denominator of MFU
 * (model FLOPs utilisation), as ../shared/reference/djl-notes.md defines it.
 */
public final class GemmPeak {

    private static volatile double cached;

    private GemmPeak() {
    }

    /**
     * FLOP/s of repeated 2048 x 2048 x 2048 fp32 matMuls (best of three rounds, as the PyTorch peer in
     * ../shared/bench measures its own); measured once per process.
     */
    public static double flopsPerSecond() {
        if (cached == 0) {
            cached = measure(2048, 3);
        }
        return cached;
    }

    static double measure(int n, int rounds) {
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            NDArray a = m.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = m.randomUniform(-1, 1, new Shape(n, n));
            double best = 0;
            for (int r = 0; r < rounds; r++) {
                try (NDManager s = m.newSubManager()) {
                    int reps = 5;
                    long t0 = System.nanoTime();
                    NDArray c = null;
                    for (int i = 0; i < reps; i++) {
                        c = a.matMul(b);
                        c.attach(s);
                    }
                    c.getFloat(0, 0); // wait for the result
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    best = Math.max(best, reps * 2.0 * n * n * n / seconds);
                }
            }
            return best;
        }
    }
}
