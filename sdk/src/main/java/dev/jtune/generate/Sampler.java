package dev.jtune.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from one row of logits, in Hugging Face's order: repetition penalty, temperature, top-k,
 * top-p, then a draw from what is left (or argmax when greedy). Runs in Java: one row is at most a few hundred
 * thousand floats, and this keeps sampling exactly reproducible for a seed.
 */
public final class Sampler {

    private final SamplingParams params;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /**
     * @param logits  (V) scores of the next token; modified in place
     * @param history ids already in the sequence (prompt and output), for the repetition penalty
     */
    public int next(float[] logits, int[] history, int historyLength) {
        if (params.repetitionPenalty() != 1) {
            penalize(logits, history, historyLength, (float) params.repetitionPenalty());
        }
        if (params.greedy()) {
            return argMax(logits);
        }
        double[] probs = probabilities(logits, params.temperature(), params.topK(), params.topP());
        double u = random.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] > 0) {
                cumulative += probs[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last; // rounding left u just above the total
    }

    static void penalize(float[] logits, int[] history, int historyLength, float penalty) {
        boolean[] seen = new boolean[logits.length];
        for (int i = 0; i < historyLength; i++) {
            int id = history[i];
            if (id >= 0 && id < logits.length && !seen[id]) {
                seen[id] = true;
                logits[id] = logits[id] < 0 ? logits[id] * penalty : logits[id] / penalty;
            }
        }
    }

    static int argMax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Normalised probabilities after temperature, top-k and top-p; tokens cut away get exactly 0. */
    static double[] probabilities(float[] logits, double temperature, int topK, double topP) {
        int v = logits.length;
        double[] scaled = new double[v];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            scaled[i] = logits[i] / temperature;
            max = Math.max(max, scaled[i]);
        }
        if (topK > 0 && topK < v) {
            double[] sorted = scaled.clone();
            Arrays.sort(sorted);
            double kth = sorted[v - topK];
            for (int i = 0; i < v; i++) {
                if (scaled[i] < kth) {
                    scaled[i] = Double.NEGATIVE_INFINITY;
                }
            }
        }
        double sum = 0;
        double[] p = new double[v];
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp(scaled[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < v; i++) {
            p[i] /= sum;
        }
        if (topP < 1) {
            keepNucleus(p, topP);
        }
        return p;
    }

    /** Zeroes every token outside the smallest most-likely set whose mass reaches {@code topP}; renormalises. */
    private static void keepNucleus(double[] p, double topP) {
        Integer[] order = new Integer[p.length];
        int n = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                order[n++] = i;
            }
        }
        Integer[] live = Arrays.copyOf(order, n);
        Arrays.sort(live, (a, b) -> Double.compare(p[b], p[a]));
        double cumulative = 0;
        int keep = 0;
        while (keep < n) {
            cumulative += p[live[keep]];
            keep++;
            if (cumulative >= topP) {
                break;
            }
        }
        double kept = 0;
        for (int i = keep; i < n; i++) {
            p[live[i]] = 0;
        }
        for (int i = 0; i < keep; i++) {
            kept += p[live[i]];
        }
        for (int i = 0; i < keep; i++) {
            p[live[i]] /= kept;
        }
    }
}
