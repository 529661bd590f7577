package dev.jtune.train;

/**
 * Learning rate as a function of the optimizer step: a linear warm-up from 0 to {@code peak} over
 * {@code warmupSteps}, then either a cosine decay to {@code peak * minLrRatio} at {@code totalSteps} or a constant
 * {@code peak}. Steps count from 1 (the first update), so the first update already moves the weights:
 * <pre>
 * s &lt; warmup:  lr = peak * s / warmup
 * cosine:      lr = min + (peak - min) * (1 + cos(pi * (s - warmup) / (total - warmup))) / 2,   min = peak * minLrRatio
 * constant:    lr = peak
 * </pre>
 * Past {@code totalSteps} the cosine stays at its minimum.
 */
public record LrSchedule(Shape shape, double peak, int warmupSteps, int totalSteps, double minLrRatio) {

    /** What follows the warm-up. */
    public enum Shape {
        /** half a cosine from the peak down to {@code peak * minLrRatio} at the last step */
        COSINE,
        /** the peak until the end */
        CONSTANT
    }

    public LrSchedule {
        if (shape == null) {
            throw new IllegalArgumentException("learning-rate schedule shape is required");
        }
        if (!(peak >= 0) || Double.isInfinite(peak)) {
            throw new IllegalArgumentException("peak learning rate must be finite and >= 0, got " + peak);
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException("schedule needs totalSteps >= 1, got " + totalSteps);
        }
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("warmupSteps must lie in [0, totalSteps=" + totalSteps + "], got "
                    + warmupSteps);
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("minLrRatio must lie in [0, 1], got " + minLrRatio);
        }
    }

    /** The learning rate for optimizer step {@code step} (1 for the first update; 0 gives 0 under warm-up). */
    public double at(int step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (step < warmupSteps) {
            return peak * step / warmupSteps;
        }
        if (shape == Shape.CONSTANT || totalSteps == warmupSteps) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        double min = peak * minLrRatio;
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
