package dev.jtune.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.jtune.align.CausalLmLoss;
import dev.jtune.lora.LoraConfig;
import dev.jtune.lora.LoraModel;
import dev.jtune.model.LlamaModel;
import dev.jtune.testing.TinyModels;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Backward passes must not depend on when the garbage collector runs. Each test collects garbage between forward and
 * backward and then fills freshly freed native memory with a poison value, the worst case that made training steps
 * intermittently NaN when scalars were passed to DJL as Java numbers (see {@link Scalars}).
 */
class ScalarsTest {

    private static final float POISON = 1234.5f;

    /** Runs the collector until direct buffers that lost their owner are freed, then reuses that memory. */
    static List<ByteBuffer> collectAndPoison() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        List<ByteBuffer> poisoned = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            poisoned.add(ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putFloat(0, POISON));
        }
        return poisoned;
    }

    @Test
    void gradientOfAScaledArraySurvivesACollection() throws Exception {
        Engine engine = Engines.pytorch();
        try (NDManager m = engine.newBaseManager(); GradientCollector gc = engine.newGradientCollector()) {
            NDArray x = m.ones(new Shape(4));
            x.setRequiresGradient(true);
            NDArray y = Scalars.times(x, 3.0).add(Scalars.atLeast(x.neg(), -2)).sum(); // 3x + max(-x, -2)
            List<ByteBuffer> poisoned = collectAndPoison();
            gc.backward(y);
            assertArrayEquals(new float[] {2f, 2f, 2f, 2f}, x.getGradient().toFloatArray(), 0f);
            assertEquals(2000, poisoned.size());
        }
    }

    @Test
    void loraGradientsDoNotDependOnTheCollector() throws Exception {
        Map<String, float[]> quiet = loraGradients(false);
        Map<String, float[]> collected = loraGradients(true);
        assertEquals(quiet.keySet(), collected.keySet());
        for (String k : quiet.keySet()) {
            assertArrayEquals(quiet.get(k), collected.get(k), 1e-6f, k);
        }
    }

    /** Gradients of every LoRA weight for one causal-LM loss on a fixed sequence; B starts non-zero. */
    private static Map<String, float[]> loraGradients(boolean collectBeforeBackward) throws Exception {
        long[] seq = {1, 17, 33, 5, 90, 41, 8, 64};
        float[] ones = new float[seq.length];
        java.util.Arrays.fill(ones, 1f);
        try (LlamaModel model = TinyModels.random(3); LoraModel lora = LoraModel.wrap(model)) {
            lora.add("default", LoraConfig.defaults(), 1);
            Map<String, NDArray> params = lora.parameters("default");
            java.util.Random random = new java.util.Random(5);
            params.forEach((k, p) -> {
                if (k.contains("lora_B")) {
                    float[] b = new float[(int) p.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (float) (0.05 * random.nextGaussian());
                    }
                    p.set(b);
                }
            });
            Engine engine = Engines.pytorch();
            try (NDManager scope = model.manager().newSubManager();
                 GradientCollector gc = engine.newGradientCollector()) {
                NDArray ids = scope.create(seq, new Shape(1, seq.length));                   // (1, T)
                NDArray logits = model.forward(ids, null, null, null);                        // (1, T, V)
                NDArray loss = CausalLmLoss.summed(logits, ids, scope.create(ones, new Shape(1, seq.length)));
                List<ByteBuffer> poisoned = collectBeforeBackward ? collectAndPoison() : List.of();
                gc.backward(loss);
                Map<String, float[]> grads = new LinkedHashMap<>();
                params.forEach((k, p) -> {
                    try (NDArray g = p.getGradient()) {
                        grads.put(k, g.toFloatArray());
                    }
                });
                assertEquals(collectBeforeBackward ? 2000 : 0, poisoned.size());
                return grads;
            }
        }
    }
}
