package dev.jtune.align.ppo;

import dev.jtune.generate.SamplingParams;

import java.util.List;

/**
 * Settings of a GRPO run, with TRL's names and defaults ({@code grpo_config.py}) except the learning rate: TRL's
 * 1e-6 suits full fine-tuning of large models; LoRA on small models needs far more, 1e-4 by default here (the
 * stories260K smoke test uses 3e-3).
 *
 * @param steps           GRPO steps (generation, then updates)
 * @param promptsPerStep  prompts per step; each gets {@code groupSize} completions
 * @param groupSize       completions per prompt ({@code num_generations}), at least 2
 * @param numIterations   passes over each generation's completions ({@code num_iterations})
 * @param miniBatches     minibatches each pass splits the completions into
 * @param lr              AdamW learning rate (constant)
 * @param maxGradNorm     global-norm gradient clip; 0 disables
 * @param epsilon         lower clip of the ratio (1 - epsilon)
 * @param epsilonHigh     upper clip (1 + epsilonHigh); DAPO recommends 0.28, TRL defaults to epsilon
 * @param beta            weight of the k3 KL to the reference (0: no KL term, as TRL's default)
 * @param scaleRewards    how advantages are scaled
 * @param sampling        completion sampling: length ({@code maxNewTokens}), temperature, top-k, top-p; the seed
 *                        starts each step's
 * @param sampleEvery     steps between sample completions written to {@code samples.jsonl}; 0 never
 * @param seed            shuffling of prompts and minibatches
 */
public record GrpoConfig(int steps, int promptsPerStep, int groupSize, int numIterations, int miniBatches, double lr,
                         double maxGradNorm, double epsilon, double epsilonHigh, double beta,
                         GrpoAdvantages.Scale scaleRewards, SamplingParams sampling, int sampleEvery, long seed) {

    public GrpoConfig {
        if (steps < 1 || promptsPerStep < 1 || numIterations < 1 || miniBatches < 1) {
            throw new IllegalArgumentException("steps, promptsPerStep, numIterations and miniBatches must be >= 1");
        }
        if (groupSize < 2) {
            throw new IllegalArgumentException("groupSize must be >= 2 (advantages compare completions of a prompt), "
                    + "got " + groupSize);
        }
        if (promptsPerStep * groupSize % miniBatches != 0) {
            throw new IllegalArgumentException(promptsPerStep * groupSize + " completions per step must split evenly "
                    + "into " + miniBatches + " minibatches");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
        }
        if (!(epsilon > 0 && epsilon < 1) || !(epsilonHigh > 0) || !(beta >= 0)) {
            throw new IllegalArgumentException("epsilon must lie in (0, 1), epsilonHigh > 0, beta >= 0");
        }
        if (scaleRewards == null || sampling == null) {
            throw new IllegalArgumentException("scaleRewards and sampling are required");
        }
        if (sampling.greedy() || sampling.maxNewTokens() < 1) {
            throw new IllegalArgumentException("GRPO needs sampled completions (temperature > 0) of at least one token");
        }
    }

    /** Completions per step. */
    public int batchSize() {
        return promptsPerStep * groupSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults as listed on the record; set what differs. */
    public static final class Builder {
        private int steps = 100;
        private int promptsPerStep = 4;
        private int groupSize = 8;
        private int numIterations = 1;
        private int miniBatches = 1;
        private double lr = 1e-4;
        private double maxGradNorm = 1.0;
        private double epsilon = 0.2;
        private Double epsilonHigh;
        private double beta = 0.0;
        private GrpoAdvantages.Scale scaleRewards = GrpoAdvantages.Scale.GROUP;
        private SamplingParams sampling = new SamplingParams(256, 1.0, 0, 1.0, 1.0, 0, List.of(), true);
        private int sampleEvery = 10;
        private long seed = 42;

        public Builder steps(int v) { steps = v; return this; }
        public Builder promptsPerStep(int v) { promptsPerStep = v; return this; }
        public Builder groupSize(int v) { groupSize = v; return this; }
        public Builder numIterations(int v) { numIterations = v; return this; }
        public Builder miniBatches(int v) { miniBatches = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Builder epsilon(double v) { epsilon = v; return this; }
        public Builder epsilonHigh(Double v) { epsilonHigh = v; return this; }
        public Builder beta(double v) { beta = v; return this; }
        public Builder scaleRewards(GrpoAdvantages.Scale v) { scaleRewards = v; return this; }
        public Builder sampling(SamplingParams v) { sampling = v; return this; }
        public Builder sampleEvery(int v) { sampleEvery = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public GrpoConfig build() {
            return new GrpoConfig(steps, promptsPerStep, groupSize, numIterations, miniBatches, lr, maxGradNorm,
                    epsilon, epsilonHigh == null ? epsilon : epsilonHigh, beta, scaleRewards, sampling, sampleEvery,
                    seed);
        }
    }
}
