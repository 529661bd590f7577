package dev.jtune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1,000 steps must not grow the handle count of the parameters' manager or the resident memory. The objective is
 * a 256 x 256 linear layer on 64 rows with dropout, so that leaking one gradient (256 KiB) a step would add 125 MiB
 * over the second half of the run, and leaking the activations far more; the bound is 48 MiB. RSS is compared
 * over that half (steps 500 to 1,000): in the first half the JVM still grows for its own reasons (Java2D loaded by the first plot, JIT-compiled code,
 * heap sizing, allocator arenas), which measured 0-20 MiB in steps, not a slope, with no leak at all.
 */
class MemoryTest {

    private static final int WIDTH = 256;
    private static final int ROWS = 64;
    private static final double MAX_RSS_GROWTH_MB = 48;

    @TempDir
    Path tmp;

    @Test
    void memoryIsFlatOverAThousandSteps() throws IOException {
        try (NDManager manager = Toy.engine().newBaseManager()) {
            NDArray weight = manager.randomNormal(0f, 0.05f, new Shape(WIDTH, WIDTH), DataType.FLOAT32);
            weight.setRequiresGradient(true);
            Map<String, NDArray> params = Map.of("wide.weight", weight);
            int arraysBefore = manager.getManagedArrays().size();
            TrainConfig config = new TrainConfig(1000, 2, 0.01, 10, 0.1, LrSchedule.Shape.COSINE, 0.01, 1.0, 100,
                    0, 100, 1, 3);
            double[] rss = new double[11];
            try (TrainingLoop loop = TrainingLoop.builder(params, config, new Wide(weight), tmp).build()) {
                for (int k = 1; k <= 10; k++) {
                    loop.run(k * 100);
                    // Without a collection the young generation fills with garbage (every op makes small Java
                    // objects) and RSS climbs until the heap has cycled once; a collection shows native growth.
                    System.gc();
                    Double now = ProcessMemory.rssMb();
                    rss[k] = now == null ? Double.NaN : now;
                }
            }
            int arraysAfter = manager.getManagedArrays().size();
            StringBuilder figures = new StringBuilder("RSS after GC over 1,000 steps (MiB):");
            for (int k = 1; k <= 10; k++) {
                figures.append(String.format(" step %d: %.1f;", k * 100, rss[k]));
            }
            System.out.println(figures);
            System.out.printf("RSS growth step 100 -> 1000: %.1f MiB, step 500 -> 1000: %.1f MiB (bound %.0f); "
                    + "parameter-manager arrays %d -> %d%n", rss[10] - rss[1], rss[10] - rss[5], MAX_RSS_GROWTH_MB,
                    arraysBefore, arraysAfter);
            assertEquals(arraysBefore, arraysAfter, "gradient handles or temporaries left in the parameters' manager");
            assertEquals(10, MetricsLog.read(tmp.resolve("metrics.jsonl")).size());
            Assumptions.assumeTrue(!Double.isNaN(rss[10]), "no /proc/self/status here: RSS not checked");
            assertTrue(rss[10] - rss[5] < MAX_RSS_GROWTH_MB, "RSS grew " + (rss[10] - rss[5]) + " MiB");
        }
    }

    /** Regress a fixed random map of random inputs: (ROWS, WIDTH) x (WIDTH, WIDTH), dropout on the input. */
    private static final class Wide implements Objective {
        private final NDArray weight;
        private long next;

        Wide(NDArray weight) {
            this.weight = weight;
        }

        @Override
        public Loss next(NDManager scope) {
            next++;
            NDArray x = scope.randomNormal(new Shape(ROWS, WIDTH));                        // (ROWS, WIDTH)
            NDArray keep = scope.randomUniform(0f, 1f, x.getShape()).gt(0.1f).toType(DataType.FLOAT32, false);
            NDArray y = x.flip(1);                                                           // (ROWS, WIDTH)
            NDArray err = x.mul(keep).div(0.9f).matMul(weight).sub(y);                      // (ROWS, WIDTH)
            return Loss.of(err.square().sum(), ROWS);
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
}
