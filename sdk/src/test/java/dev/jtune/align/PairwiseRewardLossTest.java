package dev.jtune.align;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.jtune.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PairwiseRewardLossTest {

    private NDManager m;

    @BeforeEach
    void setUp() {
        m = Engines.pytorch().newBaseManager();
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    @Test
    void sumsTheNegativeLogSigmoidOfTheRewardGap() {
        // r_c = [2, 0], r_r = [1, 1]: gaps [1, -1]
        // -log σ(1) = log(1 + e^-1) = 0.31326169, -log σ(-1) = log(1 + e) = 1.31326169, sum 1.62652338
        PreferenceLoss l = new PairwiseRewardLoss(0).compute(m.create(new float[] {2, 0}),
                m.create(new float[] {1, 1}), null);
        assertEquals(1.62652338, l.sum().getFloat(), 1e-6);
        assertEquals(2, l.pairs());
        assertEquals(0.5, l.metrics().get("accuracy"), 1e-9);     // only the first pair is ranked right
        assertEquals(0.0, l.metrics().get("margin"), 1e-9);       // mean(1, -1)
        assertEquals(1.0, l.metrics().get("reward_mean"), 1e-9);  // mean(2, 0, 1, 1)
        // population std of (2, 0, 1, 1): sqrt((1 + 1 + 0 + 0) / 4) = 0.70710678
        assertEquals(0.70710678, l.metrics().get("reward_std"), 1e-7);
    }

    @Test
    void subtractsTheMarginInsideTheSigmoid() {
        // gaps minus margins [0.5, 0]: [0.5, -1]; -log σ(0.5) = log(1 + e^-0.5) = 0.47407698; + 1.31326169
        PreferenceLoss l = new PairwiseRewardLoss(0).compute(m.create(new float[] {2, 0}),
                m.create(new float[] {1, 1}), new float[] {0.5f, 0f});
        assertEquals(1.78733867, l.sum().getFloat(), 1e-6);
    }

    @Test
    void centeringAddsTheSquaredRewardSumsScaledByTheCoefficient() {
        // (r_c + r_r)^2 = [9, 1], summed 10, times 0.01 = 0.1: 1.62652338 + 0.1. Over P = 2 pairs this is
        // mean(-log σ) + 0.01 * mean((r_c + r_r)^2) = 0.81326169 + 0.05, TRL's form.
        PreferenceLoss l = new PairwiseRewardLoss(0.01).compute(m.create(new float[] {2, 0}),
                m.create(new float[] {1, 1}), null);
        assertEquals(1.72652338, l.sum().getFloat(), 1e-6);
        assertEquals(0.86326169, l.sum().getFloat() / l.pairs(), 1e-6);
    }

    @Test
    void staysFiniteForLargeGapsAndHasTheSigmoidGradient() {
        NDArray chosen = m.create(new float[] {100, -100, 1});
        NDArray rejected = m.create(new float[] {0, 0, 0});
        chosen.setRequiresGradient(true);
        Engine engine = Engines.pytorch();
        try (GradientCollector gc = engine.newGradientCollector()) {
            PreferenceLoss l = new PairwiseRewardLoss(0).compute(chosen, rejected, null);
            // -log σ(100) ≈ 3.7e-44 ≈ 0, -log σ(-100) = 100 + log(1 + e^-100) = 100, -log σ(1) = 0.31326169
            assertEquals(100.31326169, l.sum().getFloat(), 1e-4);
            gc.backward(l.sum());
        }
        // d/dr_c of -log σ(r_c - r_r) = -σ(r_r - r_c): [-σ(-100), -σ(100), -σ(-1)] = [~0, -1, -0.26894142]
        float[] g = chosen.getGradient().toFloatArray();
        assertEquals(0.0, g[0], 1e-6);
        assertEquals(-1.0, g[1], 1e-6);
        assertEquals(-0.26894142, g[2], 1e-6);
    }

    @Test
    void refusesMismatchedInputsAndANegativeCoefficient() {
        assertThrows(IllegalArgumentException.class, () -> new PairwiseRewardLoss(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new PairwiseRewardLoss(0).compute(
                m.create(new float[] {1, 2}), m.create(new float[] {1}), null));
    }
}
