package dev.jtune.align.ppo;

/**
 * Per-token estimators of KL(policy || reference) from the log-probability of the sampled token under each
 * (Schulman's "Approximating KL divergence" k1 and k3). With {@code logr = ref - logp}:
 * <pre>
 * k1 = -logr = logp - ref               unbiased, can be negative
 * k3 = (exp(logr) - 1) - logr            unbiased, always &gt;= 0, lower variance
 * </pre>
 */
public enum KlEstimator {
    K1, K3;

    /** The estimate at one token with policy log-prob {@code logp} and reference log-prob {@code ref}. */
    public double of(double logp, double ref) {
        double logr = ref - logp;
        return this == K1 ? -logr : Math.expm1(logr) - logr;
    }
}
