package dev.jtune.train;

import java.nio.file.Path;

/**
 * The loss or the gradient norm of a step was NaN or infinite. The step's update was not applied, gradients were
 * zeroed and no checkpoint was written, so the last good checkpoint is the one to resume from.
 */
public final class TrainingDivergedException extends IllegalStateException {

    private final int step;
    private final transient Path lastGoodCheckpoint;

    /** @param lastGoodCheckpoint the newest complete checkpoint, or null when there is none */
    public TrainingDivergedException(int step, double loss, double gradNorm, Path lastGoodCheckpoint) {
        super("training diverged at step " + step + ": loss " + loss + ", gradient norm " + gradNorm
                + "; the update was not applied. Last good checkpoint: "
                + (lastGoodCheckpoint == null ? "none" : lastGoodCheckpoint.toString())
                + " (resume from it, e.g. with a lower learning rate)");
        this.step = step;
        this.lastGoodCheckpoint = lastGoodCheckpoint;
    }

    /** The step (1-based) whose loss or gradients were not finite. */
    public int step() {
        return step;
    }

    /** The newest complete checkpoint when training stopped, or null. */
    public Path lastGoodCheckpoint() {
        return lastGoodCheckpoint;
    }
}
