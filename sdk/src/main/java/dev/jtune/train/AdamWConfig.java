package dev.jtune.train;

/**
 * Hyper-parameters of {@link AdamW} other than the learning rate, which a schedule supplies at every step.
 * Same meaning and defaults as {@code torch.optim.AdamW} except the weight decay default (0.0 here, as TRL and
 * torchtune configs use) and {@code decayOneDim}.
 *
 * @param beta1       decay of the first-moment average, in [0, 1)
 * @param beta2       decay of the second-moment average, in [0, 1)
 * @param eps         added to the square root of the second moment (outside the root, as torch does), &gt; 0
 * @param weightDecay decoupled weight decay, &ge; 0: each step multiplies a parameter by {@code 1 - lr * weightDecay}
 * @param decayOneDim whether 1-D tensors (norm weights, biases) are decayed too; false skips them, as is usual
 */
public record AdamWConfig(double beta1, double beta2, double eps, double weightDecay, boolean decayOneDim) {

    public AdamWConfig {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("AdamW eps must be positive, got " + eps);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("AdamW weight decay must be finite and >= 0, got " + weightDecay);
        }
    }

    /** betas 0.9 / 0.999, eps 1e-8, the given weight decay, 1-D tensors not decayed. */
    public static AdamWConfig withWeightDecay(double weightDecay) {
        return new AdamWConfig(0.9, 0.999, 1e-8, weightDecay, false);
    }

    /** betas 0.9 / 0.999, eps 1e-8, no weight decay. */
    public static AdamWConfig defaults() {
        return withWeightDecay(0.0);
    }
}
