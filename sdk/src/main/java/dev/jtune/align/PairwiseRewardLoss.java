package dev.jtune.align;

import ai.djl.ndarray.NDArray;
import dev.jtune.engine.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reward model's Bradley-Terry objective, as TRL's {@code RewardTrainer} defines it: per pair
 * {@code -log σ(r_c - r_r - margin)}, plus {@code centerCoefficient * (r_c + r_r)^2} to keep rewards centred on 0
 * (Eisenstein et al., 2023; 0.01 is the usual value, 0 turns it off). Both terms are summed over the pairs, so a
 * caller dividing by the pair count gets TRL's {@code mean(-log σ(...)) + c * mean((r_c + r_r)^2)}.
 *
 * @param centerCoefficient weight of the centring term, &ge; 0
 */
public record PairwiseRewardLoss(double centerCoefficient) {

    public PairwiseRewardLoss {
        if (!(centerCoefficient >= 0) || Double.isInfinite(centerCoefficient)) {
            throw new IllegalArgumentException("center-rewards coefficient must be finite and >= 0, got "
                    + centerCoefficient);
        }
    }

    /**
     * @param chosen   (P) rewards of the preferred replies
     * @param rejected (P) rewards of the other replies
     * @param margins  (P) how much better each chosen reply is, or null for none
     * @return the summed loss and the metrics {@code accuracy} = mean(r_c &gt; r_r), {@code margin} =
     *         mean(r_c - r_r), {@code reward_mean} and {@code reward_std} (population) over all 2P rewards
     */
    public PreferenceLoss compute(NDArray chosen, NDArray rejected, float[] margins) {
        int pairs = (int) chosen.getShape().size();
        if (rejected.getShape().size() != pairs || (margins != null && margins.length != pairs)) {
            throw new IllegalArgumentException("chosen, rejected and margins must hold one value per pair: "
                    + chosen.getShape() + ", " + rejected.getShape() + ", "
                    + (margins == null ? "none" : margins.length));
        }
        NDArray diff = chosen.sub(rejected);                                                     // (P)
        if (margins != null) {
            diff = diff.sub(chosen.getManager().create(margins));                                // (P)
        }
        NDArray sum = LogSigmoid.of(diff).sum().neg();                                           // ()
        if (centerCoefficient > 0) {
            sum = sum.add(Scalars.times(chosen.add(rejected).square().sum(), centerCoefficient));           // ()
        }
        return new PreferenceLoss(sum, pairs, metrics(chosen.toFloatArray(), rejected.toFloatArray()));
    }

    static Map<String, Double> metrics(float[] c, float[] r) {
        double correct = 0;
        double margin = 0;
        double total = 0;
        for (int i = 0; i < c.length; i++) {
            correct += c[i] > r[i] ? 1 : 0;
            margin += c[i] - r[i];
            total += c[i] + r[i];
        }
        double mean = total / (2.0 * c.length);
        double squares = 0;
        for (int i = 0; i < c.length; i++) {
            squares += (c[i] - mean) * (c[i] - mean) + (r[i] - mean) * (r[i] - mean);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", correct / c.length);
        m.put("margin", margin / c.length);
        m.put("reward_mean", mean);
        m.put("reward_std", Math.sqrt(squares / (2.0 * c.length)));
        return m;
    }
}
