package dev.jtune.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.engine.Engines;
import dev.jtune.io.LlamaLayout;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fresh weights for pretraining from scratch, GPT-2 style: every matrix ~ N(0, 0.02), the projections that write
 * into the residual stream (o_proj, down_proj) scaled down by sqrt(2 * layers) so the stream's variance does not
 * grow with depth, norms at 1. Drawn in Java from one seed, so the same seed gives the same model everywhere.
 */
public final class LlamaInit {

    public static final double STD = 0.02;

    private LlamaInit() {
    }

    public static LlamaModel initialize(LlamaConfig config, long seed, Device device) {
        NDManager manager = Engines.pytorch().newBaseManager(device);
        SplittableRandom random = new SplittableRandom(seed);
        double residualStd = STD / Math.sqrt(2.0 * config.numLayers());
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : LlamaLayout.expectedShapes(config).entrySet()) {
            String name = e.getKey();
            Shape shape = new Shape(e.getValue());
            NDArray w;
            if (shape.dimension() == 1) {
                w = manager.ones(shape);
            } else {
                boolean residual = name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight");
                w = manager.create(normal(random, (int) shape.size(), residual ? residualStd : STD), shape);
            }
            w.setName(name);
            weights.put(name, w);
        }
        return LlamaModel.of(config, manager, weights);
    }

    /** {@code n} draws from N(0, std^2) (Box-Muller, two per pair of uniforms). */
    public static float[] normal(SplittableRandom random, int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = 1 - random.nextDouble();
            double u2 = random.nextDouble();
            double radius = Math.sqrt(-2 * Math.log(u1)) * std;
            out[i] = (float) (radius * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                out[i + 1] = (float) (radius * Math.sin(2 * Math.PI * u2));
            }
        }
        return out;
    }
}
