package dev.jtune.align.ppo;

/**
 * Whitening over every valid token of a batch (TRL's {@code masked_whiten}): subtract the mean, divide by the
 * standard deviation with Bessel's correction, {@code (x - mean) / sqrt(var + 1e-8)}; with {@code shiftMean}
 * false the mean is added back, so only the scale changes (used for rewards).
 */
public final class Whitening {

    public static final double EPS = 1e-8;

    private Whitening() {
    }

    /** @param x ragged rows: every entry is a valid token; at least two in all */
    public static double[][] whiten(double[][] x, boolean shiftMean) {
        long n = 0;
        double sum = 0;
        for (double[] row : x) {
            for (double v : row) {
                sum += v;
                n++;
            }
        }
        if (n < 2) {
            throw new IllegalArgumentException("whitening needs at least two values, got " + n);
        }
        double mean = sum / n;
        double sq = 0;
        for (double[] row : x) {
            for (double v : row) {
                sq += (v - mean) * (v - mean);
            }
        }
        double var = sq / (n - 1);
        double scale = 1 / Math.sqrt(var + EPS);
        double[][] out = new double[x.length][];
        for (int b = 0; b < x.length; b++) {
            out[b] = new double[x[b].length];
            for (int t = 0; t < x[b].length; t++) {
                double w = (x[b][t] - mean) * scale;
                out[b][t] = shiftMean ? w : w + mean;
            }
        }
        return out;
    }
}
