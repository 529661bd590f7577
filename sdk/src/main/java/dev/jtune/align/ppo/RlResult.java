package dev.jtune.align.ppo;

import java.util.List;

/**
 * What a PPO or GRPO run measured, step by step.
 *
 * @param scores mean score of each step's rollouts
 * @param kls    each step's KL to the reference (PPO: summed per sequence, k1 or k3 as configured;
 *               GRPO: k3 per token)
 */
public record RlResult(List<Double> scores, List<Double> kls) {

    public RlResult {
        scores = List.copyOf(scores);
        kls = List.copyOf(kls);
    }

    public int steps() {
        return scores.size();
    }
}
