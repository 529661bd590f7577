package dev.jtune.align.ppo;

/** A KL coefficient that stays where it starts (OpenRLHF's choice when no KL target is set). */
public final class FixedKlController implements KlController {

    private final double coef;

    public FixedKlController(double coef) {
        if (!(coef >= 0) || Double.isInfinite(coef)) {
            throw new IllegalArgumentException("KL coefficient must be finite and >= 0, got " + coef);
        }
        this.coef = coef;
    }

    @Override
    public double coef() {
        return coef;
    }

    @Override
    public void update(double currentKl, int nSteps) {
        // fixed: nothing to learn from the measurement
    }
}
