package dev.jtune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GradientsTest {

    private static NDManager manager;
    private static NDArray a;
    private static NDArray b;

    @BeforeAll
    static void start() {
        manager = Toy.engine().newBaseManager();
        a = manager.create(new float[] {1f, 1f});
        b = manager.create(new float[] {1f});
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Gradients a = (0, 3), b = (4): global norm sqrt(0 + 9 + 16) = 5. */
    private static void backward() {
        Gradients.zero(List.of(a, b));
        try (NDManager scope = manager.newSubManager(); GradientCollector gc = Toy.engine().newGradientCollector()) {
            NDArray loss = scope.create(new float[] {0f, 3f}).mul(a).sum().add(scope.create(4f).mul(b).sum());
            gc.backward(loss);
        }
    }

    private static float[] grad(NDArray p) {
        try (NDArray g = p.getGradient()) {
            return g.toFloatArray();
        }
    }

    @Test
    void clipsToTheMaxNorm() {
        backward();
        double norm = Gradients.clipGlobalNorm(List.of(a, b), 1.0);
        assertEquals(5.0, norm, 1e-6);
        // scale 1 / (5 + 1e-6): (0, 3, 4) -> (0, 0.6, 0.8), norm 1
        assertArrayEquals(new float[] {0f, 0.6f}, grad(a), 1e-6f);
        assertArrayEquals(new float[] {0.8f}, grad(b), 1e-6f);
        assertEquals(1.0, Gradients.globalNorm(List.of(a, b)), 1e-5);
    }

    @Test
    void leavesSmallGradientsAlone() {
        backward();
        assertEquals(5.0, Gradients.clipGlobalNorm(List.of(a, b), 10.0), 1e-6);
        assertArrayEquals(new float[] {0f, 3f}, grad(a), 0f);
        assertArrayEquals(new float[] {4f}, grad(b), 0f);
    }

    @Test
    void zeroClearsEvenNaN() {
        backward();
        Gradients.scale(List.of(a), Double.NaN);
        assertEquals(Double.NaN, Gradients.globalNorm(List.of(a, b)));
        Gradients.zero(List.of(a, b));
        assertArrayEquals(new float[] {0f, 0f}, grad(a), 0f);
        assertArrayEquals(new float[] {0f}, grad(b), 0f);
    }

    @Test
    void gettingGradientsLeavesNoHandlesBehind() {
        backward();
        int before = manager.getManagedArrays().size();
        for (int i = 0; i < 50; i++) {
            Gradients.clipGlobalNorm(List.of(a, b), 1.0);
            Gradients.scale(List.of(a, b), 1.0);
        }
        Gradients.zero(List.of(a, b));
        assertEquals(before, manager.getManagedArrays().size());
    }
}
