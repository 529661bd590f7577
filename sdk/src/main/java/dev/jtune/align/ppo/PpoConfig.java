package dev.jtune.align.ppo;

import dev.jtune.generate.SamplingParams;

import java.util.List;

/**
 * Settings of a PPO run, with TRL's names and defaults ({@code experimental/ppo/ppo_config.py}) except the
 * learning rate: TRL's 3e-6 is tuned for full fine-tuning of large models, while LoRA adapters on small models
 * need far larger steps; 1e-4 is the default here (the stories260K smoke test uses 3e-3).
 *
 * @param steps             PPO steps (rollout, then updates)
 * @param batchSize         rollouts per step (prompts per step, one response each)
 * @param miniBatches       minibatches each epoch splits the rollouts into ({@code num_mini_batches})
 * @param ppoEpochs         passes over the rollouts per step ({@code num_ppo_epochs})
 * @param lr                AdamW learning rate of policy and critic (constant)
 * @param maxGradNorm       global-norm clip over policy and critic gradients together; 0 disables
 * @param klCoef            initial coefficient of the per-token KL penalty
 * @param klEstimator       k1 (TRL's default) or k3
 * @param klTarget          target of the adaptive KL controller (summed KL per sequence), or null for a fixed
 *                          coefficient
 * @param klHorizon         horizon of the adaptive controller
 * @param stopKl            an epoch stops early once a minibatch's approximate KL exceeds this, or null for never
 * @param cliprange         policy ratio clip
 * @param cliprangeValue    value clip around the rollout's values
 * @param vfCoef            weight of the value loss
 * @param gamma             discount
 * @param lam               GAE lambda
 * @param whitenRewards     whiten the shaped rewards (scale only) before GAE
 * @param missingEosPenalty subtracted from the score of a response with no EOS, or null
 * @param rewardClip        scores clipped to [-rewardClip, rewardClip], or null
 * @param sampling          rollout sampling: response length ({@code maxNewTokens}), temperature (also used to
 *                          scale logits for log-probs, as TRL does), top-k, top-p; the seed starts each step's
 * @param sampleEvery       steps between sample responses written to {@code samples.jsonl}; 0 never
 * @param seed              shuffling of prompts and minibatches, and the critic head's initialisation
 */
public record PpoConfig(int steps, int batchSize, int miniBatches, int ppoEpochs, double lr, double maxGradNorm,
                        double klCoef, KlEstimator klEstimator, Double klTarget, int klHorizon, Double stopKl,
                        double cliprange, double cliprangeValue, double vfCoef, double gamma, double lam,
                        boolean whitenRewards, Double missingEosPenalty, Double rewardClip,
                        SamplingParams sampling, int sampleEvery, long seed) {

    public PpoConfig {
        positive("steps", steps);
        positive("batchSize", batchSize);
        positive("miniBatches", miniBatches);
        positive("ppoEpochs", ppoEpochs);
        if (batchSize % miniBatches != 0) {
            throw new IllegalArgumentException("batchSize " + batchSize + " must split evenly into " + miniBatches
                    + " minibatches");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
        }
        if (!(klCoef >= 0) || !(cliprange > 0) || !(cliprangeValue > 0) || !(vfCoef >= 0)) {
            throw new IllegalArgumentException("klCoef and vfCoef must be >= 0, cliprange and cliprangeValue > 0");
        }
        if (!(gamma >= 0 && gamma <= 1) || !(lam >= 0 && lam <= 1)) {
            throw new IllegalArgumentException("gamma and lam must lie in [0, 1], got " + gamma + ", " + lam);
        }
        if (klEstimator == null || sampling == null) {
            throw new IllegalArgumentException("klEstimator and sampling are required");
        }
        if (sampling.greedy() || sampling.maxNewTokens() < 1) {
            throw new IllegalArgumentException("PPO needs sampled rollouts (temperature > 0) of at least one token");
        }
        if (klTarget != null && !(klTarget > 0) || stopKl != null && !(stopKl > 0)) {
            throw new IllegalArgumentException("klTarget and stopKl must be > 0 when set");
        }
        positive("klHorizon", klHorizon);
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }

    /** The KL controller these settings ask for. */
    public KlController klController() {
        return klTarget == null ? KlController.fixed(klCoef) : KlController.adaptive(klCoef, klTarget, klHorizon);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults as listed on the record; set what differs. */
    public static final class Builder {
        private int steps = 100;
        private int batchSize = 16;
        private int miniBatches = 1;
        private int ppoEpochs = 4;
        private double lr = 1e-4;
        private double maxGradNorm = 1.0;
        private double klCoef = 0.05;
        private KlEstimator klEstimator = KlEstimator.K1;
        private Double klTarget;
        private int klHorizon = 10000;
        private Double stopKl;
        private double cliprange = 0.2;
        private double cliprangeValue = 0.2;
        private double vfCoef = 0.1;
        private double gamma = 1.0;
        private double lam = 0.95;
        private boolean whitenRewards;
        private Double missingEosPenalty;
        private Double rewardClip;
        private SamplingParams sampling = new SamplingParams(53, 0.7, 0, 1.0, 1.0, 0, List.of(), true);
        private int sampleEvery = 10;
        private long seed = 42;

        public Builder steps(int v) { steps = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder miniBatches(int v) { miniBatches = v; return this; }
        public Builder ppoEpochs(int v) { ppoEpochs = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Builder klCoef(double v) { klCoef = v; return this; }
        public Builder klEstimator(KlEstimator v) { klEstimator = v; return this; }
        public Builder klTarget(Double v) { klTarget = v; return this; }
        public Builder klHorizon(int v) { klHorizon = v; return this; }
        public Builder stopKl(Double v) { stopKl = v; return this; }
        public Builder cliprange(double v) { cliprange = v; return this; }
        public Builder cliprangeValue(double v) { cliprangeValue = v; return this; }
        public Builder vfCoef(double v) { vfCoef = v; return this; }
        public Builder gamma(double v) { gamma = v; return this; }
        public Builder lam(double v) { lam = v; return this; }
        public Builder whitenRewards(boolean v) { whitenRewards = v; return this; }
        public Builder missingEosPenalty(Double v) { missingEosPenalty = v; return this; }
        public Builder rewardClip(Double v) { rewardClip = v; return this; }
        public Builder sampling(SamplingParams v) { sampling = v; return this; }
        public Builder sampleEvery(int v) { sampleEvery = v; return this; }
        public Builder seed(long v) { seed = v; return this; }

        public PpoConfig build() {
            return new PpoConfig(steps, batchSize, miniBatches, ppoEpochs, lr, maxGradNorm, klCoef, klEstimator,
                    klTarget, klHorizon, stopKl, cliprange, cliprangeValue, vfCoef, gamma, lam, whitenRewards,
                    missingEosPenalty, rewardClip, sampling, sampleEvery, seed);
        }
    }
}
