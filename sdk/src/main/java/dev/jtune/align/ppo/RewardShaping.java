package dev.jtune.align.ppo;

/**
 * Per-token rewards of PPO for language models, as TRL builds them: every response token pays the KL penalty
 * {@code -klCoef * kl_t}, and the sequence's score (from a reward model or function) is added at its last token.
 * The score itself may first lose a penalty when the response never produced EOS, and be clipped.
 */
public final class RewardShaping {

    private RewardShaping() {
    }

    /**
     * The score a rollout is trained on: minus {@code missingEosPenalty} when it has no EOS (TRL's
     * {@code missing_eos_penalty}), then clipped to [-clip, clip] (DeepSpeed-Chat's {@code clip_reward_value}).
     *
     * @param missingEosPenalty null for no penalty
     * @param clip              null for no clipping
     */
    public static double score(double raw, boolean eos, Double missingEosPenalty, Double clip) {
        double s = raw;
        if (!eos && missingEosPenalty != null) {
            s -= missingEosPenalty;
        }
        if (clip != null) {
            s = Math.max(-clip, Math.min(clip, s));
        }
        return s;
    }

    /**
     * r_t = -klCoef * kl_t for t in [0, length), plus {@code score} at t = length - 1.
     *
     * @param kl     per-token KL estimates; only the first {@code length} entries are read
     * @param length response tokens (at least 1)
     * @return rewards of the {@code length} response tokens
     */
    public static double[] tokenRewards(double[] kl, int length, double klCoef, double score) {
        if (length < 1 || length > kl.length) {
            throw new IllegalArgumentException("response length must lie in [1, " + kl.length + "], got " + length);
        }
        double[] r = new double[length];
        for (int t = 0; t < length; t++) {
            r[t] = -klCoef * kl[t];
        }
        r[length - 1] += score;
        return r;
    }
}
