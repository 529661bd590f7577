package dev.jtune.train;

import java.nio.file.Path;

/**
 * Where a call to {@link TrainingLoop#run} stopped.
 *
 * @param step         optimizer steps completed in the run so far
 * @param loss         the last step's loss (normalised over its target tokens), NaN if no step ran
 * @param gradNorm     the last step's gradient norm before clipping, NaN if no step ran
 * @param bestEvalLoss the lowest held-out loss so far, or null
 * @param checkpoint   the checkpoint written at the stopping step
 */
public record TrainResult(int step, double loss, double gradNorm, Double bestEvalLoss, Path checkpoint) {
}
