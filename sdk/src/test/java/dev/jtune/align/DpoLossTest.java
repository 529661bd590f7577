package dev.jtune.align;

import ai.djl.ndarray.NDManager;
import dev.jtune.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Two pairs throughout: policy log π(c) = [-10, -20], log π(r) = [-12, -18]; reference log π_ref(c) = [-11, -20],
 * log π_ref(r) = [-11, -17]. So ρ_c = [1, 0], ρ_r = [-1, -1], d = ρ_c - ρ_r = [2, 1]; with β = 0.1, βd = [0.2, 0.1].
 */
class DpoLossTest {

    private NDManager m;

    @BeforeEach
    void setUp() {
        m = Engines.pytorch().newBaseManager();
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    private PreferenceLoss compute(DpoLoss loss, int[] chosenTokens, int[] rejectedTokens) {
        return loss.compute(m.create(new float[] {-10, -20}), m.create(new float[] {-12, -18}),
                m.create(new float[] {-11, -20}), m.create(new float[] {-11, -17}), chosenTokens, rejectedTokens);
    }

    @Test
    void sigmoidLossAndImplicitRewards() {
        // -log σ(0.2) = log(1 + e^-0.2) = 0.59813887; -log σ(0.1) = log(1 + e^-0.1) = 0.64439666; sum 1.24253553
        PreferenceLoss l = compute(DpoLoss.defaults(), new int[] {4, 2}, new int[] {2, 4});
        assertEquals(1.24253553, l.sum().getFloat(), 1e-6);
        assertEquals(0.05, l.metrics().get("reward_chosen"), 1e-7);    // 0.1 * mean(1, 0)
        assertEquals(-0.1, l.metrics().get("reward_rejected"), 1e-7);  // 0.1 * mean(-1, -1)
        assertEquals(1.0, l.metrics().get("accuracy"), 1e-9);          // ρ_c > ρ_r in both pairs
        assertEquals(0.15, l.metrics().get("margin"), 1e-7);           // 0.05 - (-0.1)
        assertEquals(-15.0, l.metrics().get("logp_chosen"), 1e-6);     // mean(-10, -20)
        assertEquals(-15.0, l.metrics().get("logp_rejected"), 1e-6);   // mean(-12, -18)
        assertEquals(0.0, l.metrics().get("logp_margin"), 1e-6);
    }

    @Test
    void labelSmoothingMixesInTheFlippedLabel() {
        // ε = 0.1: 0.9 * 0.59813887 + 0.1 * log(1 + e^0.2) (= 0.79813887) = 0.61813887
        //        + 0.9 * 0.64439666 + 0.1 * log(1 + e^0.1) (= 0.74439666) = 0.65439666; sum 1.27253553
        PreferenceLoss l = compute(new DpoLoss(0.1, DpoLoss.Type.SIGMOID, 0.1), new int[] {4, 2}, new int[] {2, 4});
        assertEquals(1.27253553, l.sum().getFloat(), 1e-6);
    }

    @Test
    void ipoSquaresTheLengthNormalisedGapAgainstOneOverTwoBeta() {
        // chosen tokens [4, 2], rejected [2, 4]: d_avg = [1/4 - (-1)/2, 0/2 - (-1)/4] = [0.75, 0.25]; 1/(2β) = 5
        // (0.75 - 5)^2 = 18.0625, (0.25 - 5)^2 = 22.5625; sum 40.625
        PreferenceLoss l = compute(new DpoLoss(0.1, DpoLoss.Type.IPO, 0), new int[] {4, 2}, new int[] {2, 4});
        assertEquals(40.625, l.sum().getFloat(), 1e-4);
        assertEquals(0.05, l.metrics().get("reward_chosen"), 1e-7);
    }

    @Test
    void refusesBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new DpoLoss(0, DpoLoss.Type.SIGMOID, 0));
        assertThrows(IllegalArgumentException.class, () -> new DpoLoss(0.1, DpoLoss.Type.SIGMOID, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new DpoLoss(0.1, DpoLoss.Type.IPO, 0.1));
        assertThrows(IllegalArgumentException.class, () -> DpoLoss.Type.of("hinge"));
        assertEquals(DpoLoss.Type.IPO, DpoLoss.Type.of("ipo"));
        assertThrows(IllegalArgumentException.class,
                () -> compute(new DpoLoss(0.1, DpoLoss.Type.IPO, 0), new int[] {0, 2}, new int[] {2, 4}));
    }
}
