package dev.jtune.align.ppo;

/**
 * The coefficient of PPO's KL penalty, read before each rollout's rewards are shaped and updated once per PPO step
 * with the KL that step measured.
 */
public interface KlController {

    /** The coefficient to use now. */
    double coef();

    /**
     * Reports the KL of the last step.
     *
     * @param currentKl mean over sequences of the summed per-token KL
     * @param nSteps    sequences in that step (the batch size)
     */
    void update(double currentKl, int nSteps);

    /** A coefficient that never changes. */
    static KlController fixed(double coef) {
        return new FixedKlController(coef);
    }

    /** Ziegler et al.'s proportional controller that steers the KL towards {@code target}. */
    static KlController adaptive(double initCoef, double target, int horizon) {
        return new AdaptiveKlController(initCoef, target, horizon);
    }
}
