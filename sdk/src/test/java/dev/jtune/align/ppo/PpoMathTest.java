package dev.jtune.align.ppo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The scalar parts of PPO and GRPO against values worked out by hand. */
class PpoMathTest {

    private static final double TOL = 1e-6;

    @Test
    void klEstimators() {
        // logp = -1.0, ref = -1.5: logr = ref - logp = -0.5
        assertEquals(0.5, KlEstimator.K1.of(-1.0, -1.5), TOL);                  // k1 = -logr = 0.5
        assertEquals(0.10653066, KlEstimator.K3.of(-1.0, -1.5), TOL);           // exp(-0.5) - 1 + 0.5 = 0.60653066 - 0.5
        assertEquals(0.0, KlEstimator.K3.of(-2.0, -2.0), TOL);                   // equal policies: 0
        assertEquals(-0.5, KlEstimator.K1.of(-1.5, -1.0), TOL);                  // k1 can be negative
        assertEquals(0.14872127, KlEstimator.K3.of(-1.5, -1.0), TOL);           // exp(0.5) - 1 - 0.5 = 1.64872127 - 1.5
    }

    @Test
    void rewardsPayKlPerTokenAndScoreAtTheEnd() {
        double[] kl = {0.5, -0.2, 0.1};
        // coef 0.1: -0.05, +0.02, -0.01 + score 1.0 = 0.99
        assertArrayEquals(new double[] {-0.05, 0.02, 0.99}, RewardShaping.tokenRewards(kl, 3, 0.1, 1.0), TOL);
        // a 2-token response ends at t = 1: -0.05, 0.02 + 1.0; the third KL value is padding, never read
        assertArrayEquals(new double[] {-0.05, 1.02}, RewardShaping.tokenRewards(kl, 2, 0.1, 1.0), TOL);
        assertThrows(IllegalArgumentException.class, () -> RewardShaping.tokenRewards(kl, 0, 0.1, 1.0));
    }

    @Test
    void scorePenaltyForMissingEosAndClipping() {
        assertEquals(1.0, RewardShaping.score(2.0, false, 1.0, null), TOL);       // 2 - 1
        assertEquals(0.5, RewardShaping.score(2.0, false, 1.0, 0.5), TOL);        // 2 - 1 = 1, clipped to 0.5
        assertEquals(2.0, RewardShaping.score(2.0, true, 1.0, null), TOL);        // has EOS: no penalty
        assertEquals(-0.5, RewardShaping.score(-3.0, true, null, 0.5), TOL);      // clipped from below
    }

    @Test
    void gaeByHand() {
        // rewards (1, 0, 2), values (0.5, 1.0, 1.5), gamma 1, lam 0.5, V_3 = 0
        // t=2: delta = 2 + 0 - 1.5 = 0.5                A = 0.5                 R = 0.5 + 1.5 = 2.0
        // t=1: delta = 0 + 1.5 - 1.0 = 0.5              A = 0.5 + 0.5*0.5 = 0.75 R = 0.75 + 1.0 = 1.75
        // t=0: delta = 1 + 1.0 - 0.5 = 1.5              A = 1.5 + 0.5*0.75 = 1.875 R = 1.875 + 0.5 = 2.375
        // second row, one token (the value row is longer: padding): delta = 1 - 2 = -1, A = -1, R = 1
        Gae.Result r = Gae.compute(new double[][] {{1, 0, 2}, {1}}, new double[][] {{0.5, 1.0, 1.5}, {2, 99}},
                1.0, 0.5);
        assertArrayEquals(new double[] {1.875, 0.75, 0.5}, r.advantages()[0], TOL);
        assertArrayEquals(new double[] {2.375, 1.75, 2.0}, r.returns()[0], TOL);
        assertArrayEquals(new double[] {-1}, r.advantages()[1], TOL);
        assertArrayEquals(new double[] {1}, r.returns()[1], TOL);
    }

    @Test
    void gaeDiscounts() {
        // rewards (1, 1), values 0, gamma 0.9, lam 1: A_1 = 1, A_0 = 1 + 0.9 * 1 = 1.9 (the discounted return)
        Gae.Result r = Gae.compute(new double[][] {{1, 1}}, new double[][] {{0, 0}}, 0.9, 1.0);
        assertArrayEquals(new double[] {1.9, 1.0}, r.advantages()[0], TOL);
    }

    @Test
    void whiteningIsMaskedAndBesselCorrected() {
        // values 0, 4, 2, 6 over two ragged rows: mean 3, squared deviations 9 + 1 + 1 + 9 = 20,
        // var = 20 / (4 - 1) = 6.6667, std = 2.5819889; (x - 3) / std = -1.1618950, 0.3872983, -0.3872983, 1.1618950
        double[][] w = Whitening.whiten(new double[][] {{0, 4}, {2, 6}}, true);
        assertArrayEquals(new double[] {-1.1618950, 0.3872983}, w[0], TOL);
        assertArrayEquals(new double[] {-0.3872983, 1.1618950}, w[1], TOL);
        // shift_mean false adds the mean back: 1.8381050, 3.3872983, 2.6127017, 4.1618950
        double[][] s = Whitening.whiten(new double[][] {{0, 4}, {2, 6}}, false);
        assertArrayEquals(new double[] {1.8381050, 3.3872983}, s[0], TOL);
        assertArrayEquals(new double[] {2.6127017, 4.1618950}, s[1], TOL);
    }

    @Test
    void adaptiveKlControllerFollowsZiegler() {
        KlController c = KlController.adaptive(0.2, 6.0, 10000);
        c.update(9.0, 128);   // e = clip(9/6 - 1 = 0.5) = 0.2;   coef = 0.2 * (1 + 0.2 * 128/10000) = 0.200512
        assertEquals(0.200512, c.coef(), 1e-9);
        c.update(3.0, 128);   // e = clip(3/6 - 1 = -0.5) = -0.2; coef = 0.200512 * (1 - 0.00256) = 0.199998689
        assertEquals(0.199998689, c.coef(), 1e-9);
        KlController small = KlController.adaptive(0.1, 6.0, 10000);
        small.update(6.6, 1000); // e = 6.6/6 - 1 = 0.1 (inside the clip); coef = 0.1 * (1 + 0.1 * 0.1) = 0.101
        assertEquals(0.101, small.coef(), 1e-9);
        small.update(Double.NaN, 1000); // ignored
        assertEquals(0.101, small.coef(), 1e-9);
    }

    @Test
    void fixedKlControllerNeverMoves() {
        KlController c = KlController.fixed(0.05);
        c.update(100, 128);
        assertEquals(0.05, c.coef());
        assertThrows(IllegalArgumentException.class, () -> KlController.fixed(-1));
        assertThrows(IllegalArgumentException.class, () -> KlController.adaptive(0.1, 0, 10));
    }

    @Test
    void grpoAdvantagesPerGroupBatchAndNone() {
        double[] r = {1, 0, 0, 1, 2, 3, 3, 3};
        // group 1: mean 0.5, std = sqrt(4 * 0.25 / 3) = 0.5773503; A = +-0.5 / 0.5774503 = +-0.8658756
        // group 2: mean 2.75, deviations -0.75, 0.25 x3, std = sqrt((0.5625 + 3 * 0.0625) / 3) = 0.5;
        //          A = -0.75 / 0.5001 = -1.4997001, 0.25 / 0.5001 = 0.4999000
        assertArrayEquals(new double[] {0.8658756, -0.8658756, -0.8658756, 0.8658756,
            -1.4997001, 0.4999000, 0.4999000, 0.4999000},
                GrpoAdvantages.compute(r, 4, GrpoAdvantages.Scale.GROUP), TOL);
        // batch: mean 1.625, squared deviations 2 * 0.390625 + 2 * 2.640625 + 0.140625 + 3 * 1.890625 = 11.875,
        // std = sqrt(11.875 / 7) = 1.3024701; group 1: +-0.5 / 1.3025701 = +-0.3838560; group 2: -0.75 / 1.3025701
        // = -0.5757849, 0.25 / 1.3025701 = 0.1919283
        assertArrayEquals(new double[] {0.3838560, -0.3838560, -0.3838560, 0.3838560,
            -0.5757849, 0.1919283, 0.1919283, 0.1919283},
                GrpoAdvantages.compute(r, 4, GrpoAdvantages.Scale.BATCH), TOL);
        assertArrayEquals(new double[] {0.5, -0.5, -0.5, 0.5, -0.75, 0.25, 0.25, 0.25},
                GrpoAdvantages.compute(r, 4, GrpoAdvantages.Scale.NONE), TOL);
        // a group with equal rewards gets advantage 0, not NaN
        assertArrayEquals(new double[] {0, 0}, GrpoAdvantages.compute(new double[] {1, 1}, 2,
                GrpoAdvantages.Scale.GROUP), TOL);
        assertThrows(IllegalArgumentException.class, () -> GrpoAdvantages.compute(r, 3,
                GrpoAdvantages.Scale.GROUP));
    }
}
