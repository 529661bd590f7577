package dev.jtune.align.ppo;

import java.util.List;

/** Scores whole responses: the "reward model" of PPO and GRPO, learnt or written in Java. */
@FunctionalInterface
public interface Scorer {

    /** One score per rollout, in order. */
    double[] score(List<Rollout> rollouts);

    /** A scorer that calls {@code f} on each prompt and response text. */
    static Scorer of(RewardFunction f) {
        return rollouts -> rollouts.stream().mapToDouble(r -> f.score(r.prompt(), r.response())).toArray();
    }
}
