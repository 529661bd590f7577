package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.jtune.engine.Scalars;

/**
 * GRPO's token-level clipped objective (TRL's {@code GRPOTrainer}) with an optional k3 KL penalty towards the
 * reference, aggregated as DAPO does: summed over every completion token of the batch and divided by their number.
 * <pre>
 * ratio_t = exp(logp_t - oldLogp_t)
 * loss_t  = -min(ratio_t * A, clip(ratio_t, 1 - epsLow, 1 + epsHigh) * A) + beta * KL_t
 * KL_t    = exp(ref_t - logp_t) - (ref_t - logp_t) - 1
 * loss    = sum_t(loss_t * mask_t) / sum_t(mask_t)
 * </pre>
 */
public final class GrpoLoss {

    /**
     * The loss (scalar, in the graph); the share of tokens where clipping cut the gradient (ratio below
     * 1 - epsLow with A &lt; 0, or above 1 + epsHigh with A &gt; 0); the mean k3 KL (NaN when no reference given).
     */
    public record Terms(NDArray loss, double clipFraction, double kl) {
    }

    private GrpoLoss() {
    }

    /**
     * @param logp       (B, R) log-probs of the sampled tokens under the policy being trained
     * @param oldLogp    (B, R) the same under the policy that sampled them
     * @param refLogp    (B, R) under the reference, or null when beta is 0
     * @param advantages (B) one per completion
     * @param mask       (B, R) float, 1 on completion tokens
     */
    public static Terms loss(NDArray logp, NDArray oldLogp, NDArray refLogp, NDArray advantages, NDArray mask,
                             double epsLow, double epsHigh, double beta) {
        NDArray a = advantages.expandDims(1);                                        // (B, 1)
        NDArray ratio = PpoLoss.safeExp(logp.sub(oldLogp));                          // (B, R)
        NDArray unclipped = ratio.mul(a);                                            // (B, R)
        NDArray clipped = ratio.clip((float) (1 - epsLow), (float) (1 + epsHigh)).mul(a);                // (B, R)
        NDArray perToken = unclipped.minimum(clipped).neg();                         // (B, R)
        double kl = Double.NaN;
        if (refLogp != null) {
            NDArray k3 = k3(logp, refLogp);                                          // (B, R)
            kl = PpoLoss.maskedMean(k3.stopGradient(), mask).getFloat();
            if (beta != 0) {
                perToken = perToken.add(Scalars.times(k3, beta));                               // (B, R)
            }
        } else if (beta != 0) {
            throw new IllegalArgumentException("beta = " + beta + " needs the reference log-probs");
        }
        NDArray loss = PpoLoss.maskedMean(perToken, mask);                           // ()
        NDArray ratioData = ratio.stopGradient();                                    // (B, R)
        NDArray aData = a.broadcast(ratioData.getShape());                           // (B, R)
        NDArray low = ratioData.lt((float) (1 - epsLow)).logicalAnd(aData.lt(0f));              // (B, R)
        NDArray high = ratioData.gt((float) (1 + epsHigh)).logicalAnd(aData.gt(0f));            // (B, R)
        NDArray clippedShare = PpoLoss.maskedMean(low.logicalOr(high).toType(DataType.FLOAT32, false), mask);
        return new Terms(loss, clippedShare.getFloat(), kl);
    }

    /** k3 per token: exp(ref - logp) - (ref - logp) - 1, (B, R). */
    static NDArray k3(NDArray logp, NDArray refLogp) {
        NDArray logr = refLogp.sub(logp);                                            // (B, R)
        return logr.exp().sub(logr).sub(1f);                                          // (B, R)
    }
}
