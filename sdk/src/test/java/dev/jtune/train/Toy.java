package dev.jtune.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.engine.Engines;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A toy model for the loop's tests: {@code y = x W + b} with W (IN, OUT) and b (OUT), and a summed squared-error
 * objective over deterministic data. Micro-batch k has {@code 1 + k % 3} rows, so token counts differ between
 * micro-batches; an optional input dropout uses the engine's generator, so exact resumes depend on the seeding.
 */
final class Toy {

    static final int IN = 4;
    static final int OUT = 3;

    private Toy() {
    }

    /** The PyTorch engine, offline. */
    static Engine engine() {
        return Engines.pytorch();
    }

    /** Trainable parameters "lin.weight" (IN, OUT) and "lin.bias" (OUT), filled from {@code seed}. */
    static Map<String, NDArray> params(NDManager manager, long seed) {
        Random r = new Random(seed);
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put("lin.weight", manager.create(values(r, IN * OUT), new Shape(IN, OUT)));
        params.put("lin.bias", manager.create(values(r, OUT), new Shape(OUT)));
        params.values().forEach(p -> p.setRequiresGradient(true));
        return params;
    }

    /** Inputs of micro-batch {@code k}: (rows, IN). */
    static float[] inputs(long k) {
        return values(new Random(1000 + k), rows(k) * IN);
    }

    /** Targets of micro-batch {@code k}: (rows, OUT), a fixed linear map of the inputs. */
    static float[] targets(long k) {
        float[] x = inputs(k);
        int rows = rows(k);
        float[] y = new float[rows * OUT];
        for (int i = 0; i < rows; i++) {
            for (int o = 0; o < OUT; o++) {
                float s = 0.3f * o;
                for (int j = 0; j < IN; j++) {
                    s += x[i * IN + j] * ((j + 1) * 0.25f - o * 0.4f);
                }
                y[i * OUT + o] = s;
            }
        }
        return y;
    }

    static int rows(long k) {
        return 1 + (int) (k % 3);
    }

    /** Summed squared error of the rows {@code x} (n, IN) against {@code y} (n, OUT). */
    static NDArray sse(Map<String, NDArray> params, NDArray x, NDArray y) {
        NDArray pred = x.matMul(params.get("lin.weight")).add(params.get("lin.bias")); // (n, OUT)
        return pred.sub(y).square().sum();
    }

    private static float[] values(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** The training objective over micro-batches 0, 1, 2, ...; position = the next micro-batch index. */
    static class Data implements Objective {
        final Map<String, NDArray> params;
        final boolean dropout;
        long next;

        Data(Map<String, NDArray> params, boolean dropout) {
            this.params = params;
            this.dropout = dropout;
        }

        @Override
        public Loss next(NDManager scope) {
            long k = next++;
            int rows = rows(k);
            NDArray x = scope.create(inputs(k), new Shape(rows, IN));
            if (dropout) {
                NDArray keep = scope.randomUniform(0f, 1f, x.getShape()).gt(0.2f).toType(x.getDataType(), false);
                x = x.mul(keep).div(0.8f);
            }
            NDArray y = scope.create(targets(k), new Shape(rows, OUT));
            NDArray sum = sse(params, x, y);
            return new Loss(sum, rows, rows * (long) IN, Map.of("rows", (double) rows));
        }

        @Override
        public Map<String, Object> state() {
            return Map.of("next", next);
        }

        @Override
        public void restore(Map<String, Object> state) {
            next = ((Number) state.get("next")).longValue();
        }
    }

    /** A held-out set: micro-batches 10000, 10001, 10002. */
    static HeldOut heldOut(Map<String, NDArray> params) {
        return new HeldOut() {
            @Override
            public int batches() {
                return 3;
            }

            @Override
            public Loss compute(int index, NDManager scope) {
                long k = 10_000 + index;
                NDArray x = scope.create(inputs(k), new Shape(rows(k), IN));
                NDArray y = scope.create(targets(k), new Shape(rows(k), OUT));
                return Loss.of(sse(params, x, y), rows(k));
            }
        };
    }

    /** A small run: 20 steps, accumulation 2, checkpoints every 5, everything else as given. */
    static TrainConfig config(int maxSteps, int checkpointEvery, int keep) {
        return new TrainConfig(maxSteps, 2, 0.05, 3, 0.1, LrSchedule.Shape.COSINE, 0.01, 1.0, 5, 0,
                checkpointEvery, keep, 7);
    }
}
