package dev.jtune.align.ppo;

/**
 * The adaptive KL controller of Ziegler et al. (1909.08593), as TRL and OpenRLHF implement it:
 * <pre>
 * e     = clip(kl / target - 1, -0.2, 0.2)
 * coef *= 1 + e * nSteps / horizon
 * </pre>
 * A KL above the target raises the coefficient (at most 20% of nSteps / horizon per update), below it lowers it.
 */
public final class AdaptiveKlController implements KlController {

    private final double target;
    private final int horizon;
    private double coef;

    public AdaptiveKlController(double initCoef, double target, int horizon) {
        if (!(initCoef >= 0) || Double.isInfinite(initCoef)) {
            throw new IllegalArgumentException("initial KL coefficient must be finite and >= 0, got " + initCoef);
        }
        if (!(target > 0) || Double.isInfinite(target)) {
            throw new IllegalArgumentException("KL target must be finite and > 0, got " + target);
        }
        if (horizon < 1) {
            throw new IllegalArgumentException("KL horizon must be >= 1, got " + horizon);
        }
        this.coef = initCoef;
        this.target = target;
        this.horizon = horizon;
    }

    @Override
    public double coef() {
        return coef;
    }

    @Override
    public void update(double currentKl, int nSteps) {
        if (!Double.isFinite(currentKl)) {
            return; // a NaN measurement must not poison the coefficient
        }
        double e = Math.max(-0.2, Math.min(0.2, currentKl / target - 1));
        coef *= 1 + e * nSteps / horizon;
    }
}
