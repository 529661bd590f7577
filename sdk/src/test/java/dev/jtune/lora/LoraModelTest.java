package dev.jtune.lora;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.jtune.model.LlamaModel;
import dev.jtune.testing.TinyModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoraModelTest {

    private static final long[] SEQ = {1, 17, 33, 5, 90, 41, 8, 64};
    private LlamaModel model;
    private LoraModel lora;

    @BeforeEach
    void setUp() {
        model = TinyModels.random(3);
        lora = LoraModel.wrap(model);
    }

    @AfterEach
    void tearDown() {
        lora.close();
        model.close();
    }

    private float[] logits() {
        try (NDManager m = model.manager().newSubManager()) {
            return model.forward(m.create(SEQ, new Shape(1, SEQ.length)), null, null, null).toFloatArray();
        }
    }

    /** Gives every B a random value so the adapter changes the outputs. */
    private void randomizeB(String name) {
        for (Map.Entry<String, NDArray> e : lora.parameters(name).entrySet()) {
            if (e.getKey().contains("lora_B")) {
                NDArray b = e.getValue();
                try (NDManager s = b.getManager().newSubManager()) {
                    NDArray r = s.randomNormal(0, 0.05f, b.getShape(), b.getDataType());
                    b.set(r.toFloatArray());
                }
            }
        }
    }

    @Test
    void freshAdapterChangesNothing() {
        float[] base = logits();
        lora.add("default", LoraConfig.defaults(), 1);
        assertArrayEquals(base, logits(), 0f);
    }

    @Test
    void mergeEqualsAdapterAndUnmergeRestoresTheWeights() {
        float[] base = logits();
        Map<String, float[]> before = snapshot();
        lora.add("default", LoraConfig.defaults(), 1);
        randomizeB("default");
        float[] adapted = logits();
        assertTrue(maxDiff(base, adapted) > 1e-4, "a non-zero B must change the output");
        lora.merge();
        assertTrue(maxDiff(adapted, logits()) <= 1e-5, "merged outputs equal adapter outputs");
        lora.unmerge();
        Map<String, float[]> after = snapshot();
        for (String k : before.keySet()) {
            assertTrue(maxDiff(before.get(k), after.get(k)) <= 1e-6, k + " restored within 1e-6");
        }
        assertTrue(maxDiff(adapted, logits()) <= 1e-6);
    }

    @Test
    void disabledScopeIsTheBaseModelEvenWhenMerged() throws Exception {
        float[] base = logits();
        lora.add("default", LoraConfig.defaults(), 1);
        randomizeB("default");
        float[] adapted = logits();
        lora.merge();
        try (AutoCloseable off = lora.disabledScope()) {
            assertTrue(maxDiff(base, logits()) <= 1e-6);
        }
        assertTrue(maxDiff(adapted, logits()) <= 1e-5);
    }

    @Test
    void namedAdaptersSwitchAndDelete() {
        lora.add("a", new LoraConfig(4, 8, 0, List.of("q_proj", "v_proj"), false, null), 1);
        lora.add("b", LoraConfig.defaults(), 2);
        assertEquals("b", lora.active());
        assertEquals(2 * 2 * 2, lora.parameters("a").size()); // 2 layers x 2 targets x (A, B)
        assertEquals(2 * 7 * 2, lora.parameters("b").size());
        randomizeB("a");
        lora.setActive("a");
        float[] withA = logits();
        lora.setActive("b");
        assertTrue(maxDiff(withA, logits()) > 1e-4);
        lora.delete("b");
        assertEquals("a", lora.active());
        assertThrows(IllegalArgumentException.class, () -> lora.setActive("b"));
    }

    @Test
    void onlyAdapterWeightsReceiveGradients() {
        lora.add("default", LoraConfig.defaults(), 1);
        randomizeB("default");
        Map<String, float[]> before = snapshot();
        try (NDManager m = model.manager().newSubManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = model.forward(m.create(SEQ, new Shape(1, SEQ.length)), null, null, null);
            gc.backward(out.square().sum());
        }
        for (Map.Entry<String, NDArray> e : lora.parameters("default").entrySet()) {
            try (NDArray g = e.getValue().getGradient()) {
                assertTrue(g.abs().sum().getFloat() > 0, e.getKey() + " gets a gradient");
            }
        }
        for (Map.Entry<String, NDArray> e : model.weights().entrySet()) {
            assertTrue(!e.getValue().hasGradient(), e.getKey() + " must not require a gradient");
        }
        Map<String, float[]> after = snapshot();
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), 0f, k));
        assertNull(lora.merged());
    }

    @Test
    void rsLoraAndGaussianInit() {
        LoraConfig rs = new LoraConfig(16, 32, 0, List.of("all-linear"), true, LoraConfig.Init.GAUSSIAN);
        assertEquals(8.0, rs.scaling(), 1e-12); // 32 / sqrt(16)
        assertEquals(2.0, LoraConfig.defaults().scaling(), 1e-12); // 16 / 8
        lora.add("g", rs, 5);
        float[] a = lora.parameters("g").values().iterator().next().toFloatArray();
        double var = 0;
        for (float x : a) {
            var += x * x;
        }
        double std = Math.sqrt(var / a.length);
        assertEquals(1.0 / 16, std, 0.01); // N(0, (1/r)^2)
        assertThrows(IllegalArgumentException.class,
                () -> new LoraConfig(8, 16, 0, List.of("qkv"), false, null));
    }

    private Map<String, float[]> snapshot() {
        Map<String, float[]> m = new java.util.LinkedHashMap<>();
        model.weights().forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
