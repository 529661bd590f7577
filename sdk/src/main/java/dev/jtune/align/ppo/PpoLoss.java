package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.jtune.engine.Scalars;

/**
 * PPO's clipped objectives over response tokens (TRL's {@code experimental/ppo}), each a masked mean over the
 * tokens whose mask is 1. Every array must live in the same step scope; the log-probs and values of the current
 * model carry the gradient, everything else is data from the rollout.
 * <pre>
 * ratio   = exp(logp - oldLogp)
 * pg_loss = mean( max(-A * ratio, -A * clip(ratio, 1 - eps, 1 + eps)) )
 * v_clip  = oldV + clip(V - oldV, -epsV, epsV)
 * vf_loss = 0.5 * mean( max((V - R)^2, (v_clip - R)^2) )
 * approx_kl = 0.5 * mean((logp - oldLogp)^2)
 * </pre>
 * The log-ratio is clamped to [-20, 20] before exp, so a ratio never overflows float.
 */
public final class PpoLoss {

    /** The policy loss (scalar, in the graph) with the share of clipped tokens and the approximate KL. */
    public record PolicyTerms(NDArray loss, double clipFraction, double approxKl) {
    }

    /** The value loss (scalar, in the graph) with the share of tokens where the clipped term won. */
    public record ValueTerms(NDArray loss, double clipFraction) {
    }

    private static final float MAX_LOG_RATIO = 20f;

    private PpoLoss() {
    }

    /**
     * @param logp       (B, R) log-probs of the sampled tokens under the policy being trained
     * @param oldLogp    (B, R) the same under the policy that sampled them
     * @param advantages (B, R)
     * @param mask       (B, R) float, 1 on response tokens, 0 on padding
     */
    public static PolicyTerms policy(NDArray logp, NDArray oldLogp, NDArray advantages, NDArray mask,
                                     double cliprange) {
        NDArray logRatio = logp.sub(oldLogp);                                       // (B, R)
        NDArray ratio = safeExp(logRatio);                                          // (B, R)
        NDArray unclipped = advantages.neg().mul(ratio);                            // (B, R)
        NDArray clipped = advantages.neg().mul(ratio.clip((float) (1 - cliprange), (float) (1 + cliprange))); // (B, R)
        NDArray loss = maskedMean(unclipped.maximum(clipped), mask);                // ()
        NDArray clipFraction = maskedMean(clipped.gt(unclipped).toType(DataType.FLOAT32, false), mask);
        NDArray approxKl = Scalars.times(maskedMean(logRatio.stopGradient().square(), mask), 0.5);
        return new PolicyTerms(loss, clipFraction.getFloat(), approxKl.getFloat());
    }

    /**
     * @param values    (B, R) the critic's values now
     * @param oldValues (B, R) its values at rollout time
     * @param returns   (B, R) GAE returns, the regression targets
     * @param mask      (B, R) float
     */
    public static ValueTerms value(NDArray values, NDArray oldValues, NDArray returns, NDArray mask,
                                   double cliprangeValue) {
        NDArray clippedValues = oldValues.add(values.sub(oldValues).clip((float) -cliprangeValue, (float) cliprangeValue)); // (B, R)
        NDArray unclipped = values.sub(returns).square();                           // (B, R)
        NDArray clipped = clippedValues.sub(returns).square();                      // (B, R)
        NDArray loss = Scalars.times(maskedMean(unclipped.maximum(clipped), mask), 0.5);       // ()
        NDArray clipFraction = maskedMean(clipped.gt(unclipped).toType(DataType.FLOAT32, false), mask);
        return new ValueTerms(loss, clipFraction.getFloat());
    }

    /** Mean entropy of the token distributions over the masked positions: logits (B, R, V), mask (B, R). */
    public static double entropy(NDArray logits, NDArray mask) {
        NDArray logProbs = logits.stopGradient().logSoftmax(-1);                    // (B, R, V)
        NDArray perToken = logProbs.exp().mul(logProbs).sum(new int[] {-1}).neg(); // (B, R)
        return maskedMean(perToken, mask).getFloat();
    }

    /**
     * exp of a log-ratio clamped to [-20, 20]: far outside any clip range, but it keeps a ratio that would
     * overflow float (a policy that moved a lot in one step) from turning 0 * inf into a NaN gradient.
     */
    static NDArray safeExp(NDArray logRatio) {
        return logRatio.clip(-MAX_LOG_RATIO, MAX_LOG_RATIO).exp();
    }

    /** sum(x * mask) / sum(mask): x, mask (B, R) -> (). */
    public static NDArray maskedMean(NDArray x, NDArray mask) {
        return x.mul(mask).sum().div(mask.sum());
    }
}
