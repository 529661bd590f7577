package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.jtune.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The clipped PPO and GRPO losses on tensors small enough to work out by hand, gradients included. */
class PpoLossTest {

    private static final double LN_1_5 = Math.log(1.5); // 0.4054651
    private static final double LN_0_5 = Math.log(0.5); // -0.6931472
    private NDManager m;

    @BeforeEach
    void start() {
        m = Engines.pytorch().newBaseManager();
    }

    @AfterEach
    void stop() {
        m.close();
    }

    private NDArray row(double... v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return m.create(f, new Shape(1, v.length));
    }

    @Test
    void policyLossClipsAndMeasures() {
        // ratios 1.5, 0.5 (third token is padding); A = 1, 1; cliprange 0.2
        // t0: -A*1.5 = -1.5, -A*clip(1.5) = -1.2 -> max -1.2 (clipped)
        // t1: -A*0.5 = -0.5, -A*clip(0.5) = -0.8 -> max -0.5
        // loss = (-1.2 - 0.5) / 2 = -0.85; clip fraction 1/2
        // approx KL = 0.5 * (0.4054651^2 + 0.6931472^2) / 2 = 0.5 * (0.1644020 + 0.4804530) / 2 = 0.1612138
        NDArray logp = row(LN_1_5, LN_0_5, 0);
        logp.setRequiresGradient(true);
        NDArray mask = row(1, 1, 0);
        try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
            PpoLoss.PolicyTerms t = PpoLoss.policy(logp, row(0, 0, 0), row(1, 1, 5), mask, 0.2);
            assertEquals(-0.85, t.loss().getFloat(), 1e-6);
            assertEquals(0.5, t.clipFraction(), 1e-6);
            assertEquals(0.1612138, t.approxKl(), 1e-6);
            gc.backward(t.loss());
        }
        // d/dlogp: t0 clipped -> 0; t1: -A * ratio / 2 = -0.25; t2 masked -> 0
        assertArrayEquals(new float[] {0f, -0.25f, 0f}, logp.getGradient().toFloatArray(), 1e-6f);
    }

    @Test
    void valueLossTakesTheWorseOfClippedAndUnclipped() {
        // t0: V 1.0, old 0.5 -> v_clip = 0.5 + clip(0.5, +-0.2) = 0.7; (1 - 2)^2 = 1, (0.7 - 2)^2 = 1.69 -> 1.69
        // t1: V 2.0, old 1.9 -> v_clip = 2.0; (2 - 1)^2 = 1 both -> 1 (not counted as clipped)
        // loss = 0.5 * (1.69 + 1) / 2 = 0.6725; clip fraction 1/2
        PpoLoss.ValueTerms t = PpoLoss.value(row(1.0, 2.0, 0), row(0.5, 1.9, 0), row(2.0, 1.0, 0), row(1, 1, 0),
                0.2);
        assertEquals(0.6725, t.loss().getFloat(), 1e-6);
        assertEquals(0.5, t.clipFraction(), 1e-6);
    }

    @Test
    void entropyOfTokenDistributions() {
        // logits (0, 0): ln 2 = 0.6931472; (ln 3, 0): p = (0.75, 0.25),
        // -(0.75 ln 0.75 + 0.25 ln 0.25) = 0.2157616 + 0.3465736 = 0.5623351; mean 0.6277411
        NDArray logits = m.create(new float[] {0, 0, (float) Math.log(3), 0}, new Shape(1, 2, 2));
        assertEquals(0.6277411, PpoLoss.entropy(logits, row(1, 1)), 1e-6);
    }

    @Test
    void grpoLossWithK3AndDapoAggregation() {
        // rows: A = 1 with ratios (1.5, 1); A = -1 with ratio 0.5 and one padding token; eps 0.2, beta 0.1, ref 0
        // r0t0: min(1.5, 1.2) = 1.2 -> -1.2; k3 = exp(-0.4054651) + 0.4054651 - 1 = 0.0721318
        // r0t1: ratio 1 -> -1; k3 = 0
        // r1t0: min(-0.5, -0.8) = -0.8 -> 0.8; k3 = exp(0.6931472) - 0.6931472 - 1 = 0.3068528
        // loss = (-1.2 + 0.00721318 - 1 + 0.8 + 0.03068528) / 3 = -1.3621015 / 3 = -0.4540338
        // kl = (0.0721318 + 0 + 0.3068528) / 3 = 0.1263282; clipped: r0t0 (high, A > 0) and r1t0 (low, A < 0): 2/3
        NDArray logp = m.create(new float[] {(float) LN_1_5, 0, (float) LN_0_5, 0}, new Shape(2, 2));
        NDArray zeros = m.zeros(new Shape(2, 2));
        NDArray mask = m.create(new float[] {1, 1, 1, 0}, new Shape(2, 2));
        GrpoLoss.Terms t = GrpoLoss.loss(logp, zeros, zeros, m.create(new float[] {1, -1}), mask, 0.2, 0.2, 0.1);
        assertEquals(-0.4540338, t.loss().getFloat(), 1e-6);
        assertEquals(0.1263282, t.kl(), 1e-6);
        assertEquals(2.0 / 3, t.clipFraction(), 1e-6);
    }

    @Test
    void grpoGradientAtRatioOneIsTheAdvantage() {
        // num_iterations 1: old = logp detached, so ratio = 1 and d loss / d logp_t = -A / tokens
        NDArray logp = m.create(new float[] {-1, -2, -3}, new Shape(1, 3));
        logp.setRequiresGradient(true);
        try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
            GrpoLoss.Terms t = GrpoLoss.loss(logp, logp.stopGradient(), null, m.create(new float[] {2}),
                    row(1, 1, 1), 0.2, 0.2, 0);
            assertEquals(-2.0, t.loss().getFloat(), 1e-6); // -(1 * 2) averaged over 3 tokens
            gc.backward(t.loss());
        }
        assertArrayEquals(new float[] {-2f / 3, -2f / 3, -2f / 3}, logp.getGradient().toFloatArray(), 1e-6f);
    }
}
