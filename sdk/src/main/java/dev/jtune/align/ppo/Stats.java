package dev.jtune.align.ppo;

import java.util.LinkedHashMap;
import java.util.Map;

/** Running means of the per-minibatch figures of one RL step. */
final class Stats {

    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private int updates;

    void add(String name, double value) {
        double[] s = sums.computeIfAbsent(name, k -> new double[2]);
        s[0] += value;
        s[1]++;
    }

    void countUpdate() {
        updates++;
    }

    /** Optimizer updates made. */
    int count() {
        return updates;
    }

    /** The mean of {@code name}, NaN when nothing was added. */
    double mean(String name) {
        double[] s = sums.get(name);
        return s == null ? Double.NaN : s[0] / s[1];
    }
}
