package dev.jtune.align;

import ai.djl.ndarray.NDArray;
import dev.jtune.engine.Scalars;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Direct preference optimisation (Rafailov et al., 2023) as TRL's {@code DPOTrainer} defines it. With
 * {@code ρ = log π(y|x) - log π_ref(y|x)} summed over completion tokens and {@code d = ρ_c - ρ_r}:
 * <ul>
 *   <li>{@link Type#SIGMOID}: {@code -(1-ε) log σ(β d) - ε log σ(-β d)}; ε = 0 is plain DPO, ε &gt; 0 the
 *       label-smoothed ("robust" to flipped labels) form;</li>
 *   <li>{@link Type#IPO} (Azar et al., 2023): {@code (d_avg - 1/(2β))^2} where {@code d_avg} uses log-probabilities
 *       divided by each completion's token count.</li>
 * </ul>
 * The loss is summed over pairs. Implicit rewards are {@code β ρ}.
 *
 * @param beta           the strength of the KL anchor to the reference, &gt; 0 (TRL: 0.1)
 * @param type           which loss
 * @param labelSmoothing ε in [0, 0.5), the assumed share of flipped labels; sigmoid loss only
 */
public record DpoLoss(double beta, Type type, double labelSmoothing) {

    /** The DPO loss variants. */
    public enum Type {
        SIGMOID, IPO;

        /** The type named {@code sigmoid} or {@code ipo} (any case). */
        public static Type of(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown DPO loss '" + name + "': use sigmoid or ipo", e);
            }
        }
    }

    public DpoLoss {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
        }
        if (type == null) {
            throw new IllegalArgumentException("a DPO loss type is required");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("label smoothing must lie in [0, 0.5), got " + labelSmoothing);
        }
        if (type == Type.IPO && labelSmoothing > 0) {
            throw new IllegalArgumentException("label smoothing applies to the sigmoid loss only, not to ipo");
        }
    }

    /** TRL's defaults: sigmoid loss, β = 0.1, no label smoothing. */
    public static DpoLoss defaults() {
        return new DpoLoss(0.1, Type.SIGMOID, 0);
    }

    /**
     * @param policyChosen     (P) summed log-probabilities of the chosen completions under the trained policy
     * @param policyRejected   (P) the same for the rejected completions
     * @param refChosen        (P) chosen, under the reference (no gradient needed)
     * @param refRejected      (P) rejected, under the reference
     * @param chosenTokens     completion tokens of each chosen reply (IPO's length normalisation)
     * @param rejectedTokens   completion tokens of each rejected reply
     * @return the summed loss and the metrics {@code reward_chosen} = mean β ρ_c, {@code reward_rejected},
     *         {@code accuracy} = mean(ρ_c &gt; ρ_r), {@code margin} = mean β (ρ_c - ρ_r), and the policy's
     *         {@code logp_chosen}, {@code logp_rejected} and {@code logp_margin} = mean(log π(c) - log π(r))
     */
    public PreferenceLoss compute(NDArray policyChosen, NDArray policyRejected, NDArray refChosen,
                                  NDArray refRejected, int[] chosenTokens, int[] rejectedTokens) {
        int pairs = (int) policyChosen.getShape().size();
        if (policyRejected.getShape().size() != pairs || refChosen.getShape().size() != pairs
                || refRejected.getShape().size() != pairs || chosenTokens.length != pairs
                || rejectedTokens.length != pairs) {
            throw new IllegalArgumentException("every input must hold one value per pair (" + pairs + ")");
        }
        NDArray rhoChosen = policyChosen.sub(refChosen);                                        // (P)
        NDArray rhoRejected = policyRejected.sub(refRejected);                                  // (P)
        NDArray sum;
        if (type == Type.SIGMOID) {
            NDArray z = Scalars.times(rhoChosen.sub(rhoRejected), beta);                                   // (P)
            NDArray loss = Scalars.times(LogSigmoid.of(z), 1 - labelSmoothing).neg();                      // (P)
            if (labelSmoothing > 0) {
                loss = loss.sub(Scalars.times(LogSigmoid.of(z.neg()), labelSmoothing));                    // (P)
            }
            sum = loss.sum();                                                                   // ()
        } else {
            NDArray nc = policyChosen.getManager().create(toFloats(chosenTokens));              // (P)
            NDArray nr = policyChosen.getManager().create(toFloats(rejectedTokens));            // (P)
            NDArray dAvg = rhoChosen.div(nc).sub(rhoRejected.div(nr));                          // (P)
            sum = dAvg.sub((float) (1.0 / (2.0 * beta))).square().sum();                                  // ()
        }
        return new PreferenceLoss(sum, pairs, metrics(rhoChosen.toFloatArray(), rhoRejected.toFloatArray(),
                policyChosen.toFloatArray(), policyRejected.toFloatArray()));
    }

    private Map<String, Double> metrics(float[] rc, float[] rr, float[] pc, float[] pr) {
        double chosen = 0;
        double rejected = 0;
        double correct = 0;
        double logpChosen = 0;
        double logpRejected = 0;
        for (int i = 0; i < rc.length; i++) {
            chosen += beta * rc[i];
            rejected += beta * rr[i];
            correct += rc[i] > rr[i] ? 1 : 0;
            logpChosen += pc[i];
            logpRejected += pr[i];
        }
        int n = rc.length;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("reward_chosen", chosen / n);
        m.put("reward_rejected", rejected / n);
        m.put("accuracy", correct / n);
        m.put("margin", (chosen - rejected) / n);
        m.put("logp_chosen", logpChosen / n);
        m.put("logp_rejected", logpRejected / n);
        m.put("logp_margin", (logpChosen - logpRejected) / n);
        return m;
    }

    private static float[] toFloats(int[] counts) {
        float[] out = new float[counts.length];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] <= 0) {
                throw new IllegalArgumentException("pair " + i + " has a completion with no tokens: IPO divides "
                        + "by the completion length");
            }
            out[i] = counts[i];
        }
        return out;
    }
}
