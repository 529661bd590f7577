package dev.jtune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingLoopTest {

    @TempDir
    Path tmp;

    private NDManager manager;

    @BeforeEach
    void start() {
        manager = Toy.engine().newBaseManager();
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    private static float[] grad(NDArray p) {
        try (NDArray g = p.getGradient()) {
            return g.toFloatArray();
        }
    }

    @Test
    void accumulationOverUnequalMicroBatchesEqualsOneBatchOfBoth() {
        // Micro-batch 0 has 1 row, micro-batch 1 has 2 rows. Accumulating them must give the gradient of the mean
        // over all 3 rows, not the mean of the two micro-batch means.
        Map<String, NDArray> params = Toy.params(manager, 1);
        TrainConfig two = new TrainConfig(1, 2, 0.1, 0, 0.1, null, 0, 1, 1, 0, 1, 1, 0);
        try (TrainingLoop loop = TrainingLoop.builder(params, two, new Toy.Data(params, false), tmp).build()) {
            Gradients.zero(params.values());
            TrainingLoop.Window w = loop.accumulate(1);
            assertEquals(3, w.targetTokens());
            float[] gw = grad(params.get("lin.weight"));
            float[] gb = grad(params.get("lin.bias"));

            Objective both = new Objective() {
                @Override
                public Loss next(NDManager scope) {
                    float[] x = concat(Toy.inputs(0), Toy.inputs(1));
                    float[] y = concat(Toy.targets(0), Toy.targets(1));
                    NDArray sum = Toy.sse(params, scope.create(x, new Shape(3, Toy.IN)),
                            scope.create(y, new Shape(3, Toy.OUT)));
                    return Loss.of(sum, 3);
                }

                @Override
                public Map<String, Object> state() {
                    return Map.of();
                }

                @Override
                public void restore(Map<String, Object> state) {
                }
            };
            TrainConfig one = new TrainConfig(1, 1, 0.1, 0, 0.1, null, 0, 1, 1, 0, 1, 1, 0);
            try (TrainingLoop whole = TrainingLoop.builder(params, one, both, tmp.resolve("b")).build()) {
                Gradients.zero(params.values());
                TrainingLoop.Window v = whole.accumulate(1);
                assertEquals(w.loss(), v.loss(), 1e-6);
                assertArrayEquals(grad(params.get("lin.weight")), gw, 1e-6f);
                assertArrayEquals(grad(params.get("lin.bias")), gb, 1e-6f);
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void resumedRunEqualsUninterruptedRun() throws IOException {
        TrainConfig config = Toy.config(20, 5, 0);
        Map<String, NDArray> straight = Toy.params(manager, 1);
        Toy.Data straightData = new Toy.Data(straight, true);
        try (TrainingLoop loop = TrainingLoop.builder(straight, config, straightData, tmp.resolve("a")).build()) {
            assertFalse(loop.resumeLatest());
            assertEquals(20, loop.run().step());
        }

        Map<String, NDArray> first = Toy.params(manager, 1);
        try (TrainingLoop loop = TrainingLoop.builder(first, config, new Toy.Data(first, true), tmp.resolve("b"))
                .build()) {
            TrainResult half = loop.run(10);
            assertEquals(tmp.resolve("b/checkpoints/step-10"), half.checkpoint());
        }
        // A new process: other initial weights, data at the start; everything must come from the checkpoint.
        Map<String, NDArray> resumed = Toy.params(manager, 99);
        Toy.Data resumedData = new Toy.Data(resumed, true);
        try (TrainingLoop loop = TrainingLoop.builder(resumed, config, resumedData, tmp.resolve("b")).build()) {
            assertTrue(loop.resumeLatest());
            assertEquals(10, loop.step());
            assertEquals(20, loop.run().step());
        }
        for (String name : straight.keySet()) {
            assertArrayEquals(straight.get(name).toFloatArray(), resumed.get(name).toFloatArray(), 1e-6f, name);
        }
        assertEquals(straightData.next, resumedData.next);
        List<JsonObject> a = MetricsLog.read(tmp.resolve("a/metrics.jsonl"));
        List<JsonObject> b = MetricsLog.read(tmp.resolve("b/metrics.jsonl"));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).get("step").getAsInt(), b.get(i).get("step").getAsInt());
            assertEquals(a.get(i).get("loss").getAsDouble(), b.get(i).get("loss").getAsDouble(), 1e-6);
        }
    }

    @Test
    void nanLossStopsAndKeepsTheLastGoodCheckpoint() throws IOException {
        Map<String, NDArray> params = Toy.params(manager, 1);
        Toy.Data poisoned = new Toy.Data(params, false) {
            @Override
            public Loss next(NDManager scope) {
                Loss l = super.next(scope);
                // micro-batches 12 and 13 make step 7 (two per step)
                return next == 13 ? Loss.of(l.sum().mul(Float.NaN), l.targetTokens()) : l;
            }
        };
        Path run = tmp.resolve("run");
        try (TrainingLoop loop = TrainingLoop.builder(params, Toy.config(20, 5, 2), poisoned, run).build()) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, loop::run);
            assertEquals(7, e.step());
            assertTrue(e.getMessage().contains("step 7"), e.getMessage());
            assertEquals(run.resolve("checkpoints/step-5"), e.lastGoodCheckpoint());
            assertEquals(6, loop.step());
        }
        assertEquals(List.of("step-5"), listing(run.resolve("checkpoints")));
        for (NDArray p : params.values()) {
            for (float f : p.toFloatArray()) {
                assertTrue(Float.isFinite(f), "the failed step must not touch the weights");
            }
        }
        Map<String, NDArray> fresh = Toy.params(manager, 3);
        try (TrainingLoop loop = TrainingLoop.builder(fresh, Toy.config(20, 5, 2), new Toy.Data(fresh, false), run)
                .build()) {
            assertTrue(loop.resumeLatest());
            assertEquals(5, loop.step());
        }
    }

    @Test
    void temporaryAndIncompleteDirectoriesAreNeverResumedFrom() throws IOException {
        Path run = tmp.resolve("run");
        Map<String, NDArray> params = Toy.params(manager, 1);
        try (TrainingLoop loop = TrainingLoop.builder(params, Toy.config(20, 5, 0), new Toy.Data(params, false), run)
                .build()) {
            loop.run(10);
        }
        Path dir = run.resolve("checkpoints");
        // a crash mid-write leaves .step-15.tmp, complete-looking inside; a hand-made step-20 lacks its state file
        Path tmpDir = Files.createDirectory(dir.resolve(".step-15.tmp"));
        for (String f : List.of(Checkpoints.TRAINABLE, Checkpoints.OPTIMIZER, Checkpoints.STATE)) {
            Files.copy(dir.resolve("step-10").resolve(f), tmpDir.resolve(f));
        }
        Files.writeString(tmpDir.resolve(Checkpoints.STATE),
                Files.readString(tmpDir.resolve(Checkpoints.STATE)).replace("\"step\": 10", "\"step\": 15"));
        Files.createDirectory(dir.resolve("step-20"));
        Files.copy(dir.resolve("step-10").resolve(Checkpoints.TRAINABLE), dir.resolve("step-20/trainable.safetensors"));

        Map<String, NDArray> fresh = Toy.params(manager, 2);
        try (TrainingLoop loop = TrainingLoop.builder(fresh, Toy.config(20, 5, 0), new Toy.Data(fresh, false), run)
                .build()) {
            assertEquals(List.of(dir.resolve("step-5"), dir.resolve("step-10")), loop.checkpoints().complete());
            assertTrue(loop.resumeLatest());
            assertEquals(10, loop.step());
        }
    }

    @Test
    void failedCheckpointWriteLeavesThePreviousOneAndNoTemporary() throws IOException {
        Path run = tmp.resolve("run");
        Map<String, NDArray> params = Toy.params(manager, 1);
        Checkpoints.TensorWriter diskFullAtStep10 = (file, tensors) -> {
            if (file.getParent().getFileName().toString().contains("step-10")) {
                Files.writeString(file, "partial");
                throw new IOException("No space left on device");
            }
            CheckpointFiles.write(file, tensors);
        };
        try (TrainingLoop loop = TrainingLoop.builder(params, Toy.config(20, 5, 1), new Toy.Data(params, false), run)
                .tensorWriter(diskFullAtStep10).build()) {
            IOException e = assertThrows(IOException.class, () -> loop.run(12));
            assertTrue(e.getMessage().contains("step-10") && e.getMessage().contains("step-5")
                    && e.getMessage().contains("No space left on device"), e.getMessage());
        }
        assertEquals(List.of("step-5"), listing(run.resolve("checkpoints")));
        TrainerState state = TrainerState.fromJson(
                Files.readString(run.resolve("checkpoints/step-5").resolve(Checkpoints.STATE)), "step-5");
        assertEquals(5, state.step());
        assertEquals(Map.of("next", 10L), state.dataPosition());
    }

    @Test
    void metricsHaveTheFieldsAndThePlotDecodes() throws IOException {
        Path run = tmp.resolve("run");
        Map<String, NDArray> params = Toy.params(manager, 1);
        TrainConfig config = new TrainConfig(12, 2, 0.05, 2, 0.1, LrSchedule.Shape.COSINE, 0.0, 1.0, 2, 4, 6, 1, 1);
        TrainResult result;
        try (TrainingLoop loop = TrainingLoop.builder(params, config, new Toy.Data(params, false), run)
                .heldOut(Toy.heldOut(params)).flops(6.0 * 15, 1e9).build()) {
            result = loop.run();
        }
        List<JsonObject> rows = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertEquals(List.of(2, 4, 6, 8, 10, 12), rows.stream().map(r -> r.get("step").getAsInt()).toList());
        for (JsonObject row : rows) {
            for (String key : List.of("step", "loss", "lr", "grad_norm", "tokens_per_s", "mfu", "rss_mb",
                    "elapsed_s", "rows")) {
                assertTrue(row.has(key) && !row.get(key).isJsonNull(), key + " missing in " + row);
            }
        }
        JsonObject eval = rows.get(1);
        assertTrue(eval.has("eval_loss"), eval.toString());
        assertEquals(Math.exp(eval.get("eval_loss").getAsDouble()), eval.get("eval_perplexity").getAsDouble(), 1e-9);
        assertFalse(rows.get(0).has("eval_loss"));
        assertTrue(rows.get(5).has("eval_loss"), "the last step is evaluated too");
        assertEquals(rows.get(5).get("loss").getAsDouble(), result.loss(), 1e-12);
        assertNotNull(result.bestEvalLoss());
        assertTrue(rows.get(5).get("eval_loss").getAsDouble() < rows.get(1).get("eval_loss").getAsDouble(),
                "training lowers the held-out loss");

        BufferedImage png = ImageIO.read(run.resolve("loss.png").toFile());
        assertNotNull(png, "loss.png must decode");
        assertEquals(900, png.getWidth());
        assertEquals(List.of("checkpoints", "loss.png", "metrics.jsonl"), listing(run));
    }

    @Test
    void mfuIsNullWithoutFlopFigures() throws IOException {
        Path run = tmp.resolve("run");
        Map<String, NDArray> params = Toy.params(manager, 1);
        try (TrainingLoop loop = TrainingLoop.builder(params, Toy.config(5, 5, 1), new Toy.Data(params, false), run)
                .build()) {
            loop.run();
        }
        JsonObject row = MetricsLog.read(run.resolve("metrics.jsonl")).get(0);
        assertTrue(row.has("mfu") && row.get("mfu").isJsonNull(), row.toString());
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
