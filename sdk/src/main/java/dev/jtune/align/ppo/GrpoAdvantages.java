package dev.jtune.align.ppo;

/**
 * GRPO's advantages (Shao et al. 2402.03300, as TRL computes them): each completion's reward minus the mean of its
 * group (the completions of the same prompt), divided by a standard deviation plus 1e-4:
 * <pre>
 * A_i = (r_i - mean_group(r)) / (std + 1e-4)
 * </pre>
 * where std is the group's ({@link Scale#GROUP}), the whole batch's ({@link Scale#BATCH}), or no division at all
 * ({@link Scale#NONE}, Dr. GRPO). Standard deviations are Bessel-corrected, as {@code torch.std}.
 */
public final class GrpoAdvantages {

    public static final double EPS = 1e-4;

    /** TRL's {@code scale_rewards}. */
    public enum Scale { GROUP, BATCH, NONE }

    private GrpoAdvantages() {
    }

    /**
     * @param rewards   one per completion, groups consecutive: [p0 g0, p0 g1, ..., p1 g0, ...]
     * @param groupSize completions per prompt, at least 2
     */
    public static double[] compute(double[] rewards, int groupSize, Scale scale) {
        if (groupSize < 2) {
            throw new IllegalArgumentException("a group needs at least 2 completions, got " + groupSize);
        }
        if (rewards.length % groupSize != 0) {
            throw new IllegalArgumentException(rewards.length + " rewards do not split into groups of " + groupSize);
        }
        double batchStd = std(rewards, 0, rewards.length);
        double[] a = new double[rewards.length];
        for (int g = 0; g < rewards.length; g += groupSize) {
            double mean = mean(rewards, g, groupSize);
            double std = scale == Scale.GROUP ? std(rewards, g, groupSize) : batchStd;
            for (int i = g; i < g + groupSize; i++) {
                a[i] = rewards[i] - mean;
                if (scale != Scale.NONE) {
                    a[i] /= std + EPS;
                }
            }
        }
        return a;
    }

    private static double mean(double[] x, int from, int n) {
        double s = 0;
        for (int i = from; i < from + n; i++) {
            s += x[i];
        }
        return s / n;
    }

    private static double std(double[] x, int from, int n) {
        double m = mean(x, from, n);
        double s = 0;
        for (int i = from; i < from + n; i++) {
            s += (x[i] - m) * (x[i] - m);
        }
        return Math.sqrt(s / (n - 1));
    }
}
