package dev.jtune.train;

/**
 * How {@link TrainingLoop} trains: steps, accumulation, optimizer, schedule, and how often it logs, evaluates and
 * checkpoints. A step is one optimizer update over {@code gradAccum} micro-batches.
 *
 * @param maxSteps        optimizer updates in the whole run, &ge; 1 (also the schedule's length)
 * @param gradAccum       micro-batches per update, &ge; 1; the loss is normalised over all of their target tokens
 * @param lr              peak learning rate, &gt; 0
 * @param warmupSteps     linear warm-up length, in [0, maxSteps]
 * @param minLrRatio      end of the cosine decay as a fraction of {@code lr}, in [0, 1]
 * @param schedule        cosine decay or constant after the warm-up
 * @param weightDecay     decoupled AdamW weight decay, &ge; 0 (1-D tensors are never decayed)
 * @param maxGradNorm     global gradient-norm clip; 0 measures the norm without clipping
 * @param logEvery        a metrics line every this many steps, &ge; 1
 * @param evalEvery       held-out evaluation every this many steps; 0 only at the end
 * @param checkpointEvery a checkpoint every this many steps, &ge; 1 (and always at the step the run stops)
 * @param keepCheckpoints how many checkpoints to keep, newest first; 0 keeps all
 * @param seed            seed of the engine's random generator, re-derived at every step so resumes replay exactly
 */
public record TrainConfig(int maxSteps, int gradAccum, double lr, int warmupSteps, double minLrRatio,
                          LrSchedule.Shape schedule, double weightDecay, double maxGradNorm, int logEvery,
                          int evalEvery, int checkpointEvery, int keepCheckpoints, long seed) {

    public TrainConfig {
        atLeast("maxSteps", maxSteps, 1);
        atLeast("gradAccum", gradAccum, 1);
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
        }
        if (warmupSteps < 0 || warmupSteps > maxSteps) {
            throw new IllegalArgumentException("warmupSteps must lie in [0, maxSteps=" + maxSteps + "], got "
                    + warmupSteps);
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("minLrRatio must lie in [0, 1], got " + minLrRatio);
        }
        if (schedule == null) {
            schedule = LrSchedule.Shape.COSINE;
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("maxGradNorm must be >= 0 (0 = no clipping), got " + maxGradNorm);
        }
        atLeast("logEvery", logEvery, 1);
        atLeast("evalEvery", evalEvery, 0);
        atLeast("checkpointEvery", checkpointEvery, 1);
        atLeast("keepCheckpoints", keepCheckpoints, 0);
    }

    /**
     * Defaults for a run of {@code maxSteps} at peak {@code lr}: no accumulation, 3% warm-up, cosine to 10%, no
     * weight decay, clip at 1.0, log every 10 steps, evaluate and checkpoint every 10% of the run, keep 2
     * checkpoints, seed 42.
     */
    public static TrainConfig defaults(int maxSteps, double lr) {
        int tenth = Math.max(1, maxSteps / 10);
        return new TrainConfig(maxSteps, 1, lr, (int) Math.round(maxSteps * 0.03), 0.1, LrSchedule.Shape.COSINE,
                0.0, 1.0, Math.min(10, maxSteps), tenth, tenth, 2, 42);
    }

    /** The schedule these settings describe. */
    public LrSchedule lrSchedule() {
        return new LrSchedule(schedule, lr, warmupSteps, maxSteps, minLrRatio);
    }

    /** The optimizer settings these describe: torch's AdamW defaults with this weight decay. */
    public AdamWConfig adamW() {
        return AdamWConfig.withWeightDecay(weightDecay);
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
    }
}
