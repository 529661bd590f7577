package dev.jtune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AdamWTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = Toy.engine().newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Sets the gradient of {@code p} to {@code g} by back-propagating sum(p * g) from zeroed gradients. */
    private static void setGradient(NDArray p, float... g) {
        Gradients.zero(java.util.List.of(p));
        try (NDManager scope = manager.newSubManager(); GradientCollector gc = Toy.engine().newGradientCollector()) {
            NDArray c = scope.create(g, p.getShape());
            gc.backward(c.mul(p).sum());
        }
    }

    private static NDArray param(Shape shape, float... values) {
        NDArray p = manager.create(values, shape);
        p.setRequiresGradient(true);
        return p;
    }

    @Test
    void threeStepsWithFixedGradientMatchHandArithmetic() {
        NDArray p = param(new Shape(2), 1f, -2f);
        Map<String, NDArray> params = Map.of("w", p);
        setGradient(p, 0.5f, -1f);
        // lr 0.1, betas 0.9/0.999, eps 0.1 (large, so that "eps outside the sqrt" shows), no weight decay.
        // With a constant g: m_t = (1 - 0.9^t) g and v_t = (1 - 0.999^t) g^2, so after the bias corrections
        // mhat = g and vhat = g^2 at every step, and each step subtracts lr * g / (|g| + eps):
        //   g = 0.5:  0.1 * 0.5 / 0.6  = 0.0833333...      three steps: 1 - 0.25         = 0.75
        //   g = -1:   0.1 * -1 / 1.1   = -0.0909090...     three steps: -2 + 0.2727272.. = -1.7272727
        // (eps inside the sqrt would give 0.1 * 0.5 / sqrt(0.35) = 0.0845 instead.)
        try (AdamW opt = new AdamW(params, new AdamWConfig(0.9, 0.999, 0.1, 0.0, false))) {
            for (int i = 0; i < 3; i++) {
                opt.step(0.1);
            }
            assertArrayEquals(new float[] {0.75f, -1.7272727f}, p.toFloatArray(), 1e-6f);
            assertEquals(3, opt.steps());
            // m_3 = (1 - 0.9^3) g = 0.271 g;  v_3 = (1 - 0.999^3) g^2 = 0.002997001 g^2
            assertArrayEquals(new float[] {0.1355f, -0.271f}, opt.state().get("w.exp_avg").toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.00074925025f, 0.002997001f},
                    opt.state().get("w.exp_avg_sq").toFloatArray(), 1e-9f);
        }
    }

    @Test
    void biasCorrectionWithChangingGradient() {
        NDArray p = param(new Shape(1), 0f);
        try (AdamW opt = new AdamW(Map.of("w", p), AdamWConfig.defaults())) {
            // step 1, g = 1: m = 0.1, v = 0.001; mhat = 0.1 / 0.1 = 1, vhat = 0.001 / 0.001 = 1; p = 0 - 1 * 1/1 = -1
            setGradient(p, 1f);
            opt.step(1.0);
            assertEquals(-1.0, p.getFloat(), 1e-6);
            // step 2, g = 3: m = 0.9*0.1 + 0.1*3 = 0.39;  v = 0.999*0.001 + 0.001*9 = 0.009999
            // mhat = 0.39 / (1 - 0.81) = 2.0526316;  vhat = 0.009999 / (1 - 0.998001) = 5.0020010, sqrt = 2.2365150
            // p = -1 - 2.0526316 / 2.2365150 = -1.9177818
            setGradient(p, 3f);
            opt.step(1.0);
            assertEquals(-1.9177818, p.getFloat(), 1e-5);
        }
    }

    @Test
    void weightDecayIsDecoupledAndSkipsOneDimensionalTensors() {
        NDArray matrix = param(new Shape(1, 2), 2f, -4f);
        NDArray norm = param(new Shape(2), 2f, -4f);
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put("proj.weight", matrix);
        params.put("norm.weight", norm);
        Gradients.zero(params.values());
        // Zero gradient: Adam's part is 0 / (0 + eps) = 0, so only the decay acts: p *= 1 - lr * wd = 1 - 0.1 * 0.5.
        // An L2 penalty folded into the gradient would instead move p by about lr per step (Adam normalises it).
        try (AdamW opt = new AdamW(params, AdamWConfig.withWeightDecay(0.5))) {
            opt.step(0.1);
            opt.step(0.1);
        }
        assertArrayEquals(new float[] {2f * 0.95f * 0.95f, -4f * 0.95f * 0.95f}, matrix.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {2f, -4f}, norm.toFloatArray(), 0f);
    }

    @Test
    void stateRoundTripsIntoAFreshOptimizer() {
        NDArray a = param(new Shape(2), 1f, 2f);
        NDArray b = param(new Shape(2), 1f, 2f);
        setGradient(a, 0.3f, -0.2f);
        setGradient(b, 0.3f, -0.2f);
        try (AdamW first = new AdamW(Map.of("w", a), AdamWConfig.defaults());
             AdamW second = new AdamW(Map.of("w", b), AdamWConfig.defaults())) {
            first.step(0.01);
            second.step(0.01);
            try (AdamW resumed = new AdamW(Map.of("w", b), AdamWConfig.defaults())) {
                resumed.load(first.state(), first.steps());
                first.step(0.01);
                resumed.step(0.01);
                assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
            }
            assertThrows(IllegalArgumentException.class, () -> second.load(Map.of(), 1));
        }
    }

    @Test
    void rejectsParametersWithoutGradient() {
        NDArray frozen = manager.create(new float[] {1f});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AdamW(Map.of("frozen.weight", frozen), AdamWConfig.defaults()));
        assertEquals(true, e.getMessage().contains("frozen.weight"));
    }
}
