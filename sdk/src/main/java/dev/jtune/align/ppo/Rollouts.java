package dev.jtune.align.ppo;

import dev.jtune.generate.Generation;
import dev.jtune.generate.Generator;
import dev.jtune.generate.SamplingParams;
import dev.jtune.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Samples responses from the policy adapter with the batched, KV-cached {@link Generator} and scores them: the
 * first half of every PPO and GRPO step, and the held-out evaluation of a policy.
 */
public final class Rollouts {

    private final PolicyModels models;
    private final Tokenizer tokenizer;
    private final Function<String, int[]> promptIds;
    private final Scorer scorer;
    private final Generator generator;

    /**
     * @param promptIds the ids the policy continues for a prompt: for a chat model the prompt rendered as a user turn
     *                  with the template's generation prompt, as the SFT and reward data were rendered (a policy or
     *                  reward model shown the bare text sees something it was never trained on); the tokenizer's
     *                  plain encoding for a base model continuing text
     */
    public Rollouts(PolicyModels models, Tokenizer tokenizer, Function<String, int[]> promptIds, Scorer scorer) {
        this.models = models;
        this.tokenizer = tokenizer;
        this.promptIds = promptIds;
        this.scorer = scorer;
        this.generator = new Generator(models.model(), tokenizer);
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Id used to fill padding columns (masked, never read). */
    public int padId() {
        int pad = tokenizer.specialTokens().pad();
        return pad >= 0 ? pad : 0;
    }

    /** One response per prompt, sampled from the policy with {@code params} (temperature must be above 0). */
    public List<Rollout> sample(List<String> prompts, SamplingParams params) {
        if (params.greedy()) {
            throw new IllegalArgumentException("RL rollouts must sample: temperature 0 (greedy) gives no exploration");
        }
        if (params.maxNewTokens() < 1) {
            throw new IllegalArgumentException("response length must be at least 1 token");
        }
        models.activatePolicy();
        List<int[]> ids = new ArrayList<>();
        for (String p : prompts) {
            ids.add(promptIds.apply(p));
        }
        List<Generation> gens = generator.generateIds(ids, params, null);
        List<Rollout> out = new ArrayList<>();
        for (int i = 0; i < gens.size(); i++) {
            Generation g = gens.get(i);
            out.add(new Rollout(prompts.get(i), ids.get(i), g.generatedIds(), g.text(),
                    g.finishReason() == Generation.FinishReason.EOS));
        }
        return out;
    }

    /** The scores of {@code rollouts}, checked to be finite. */
    public double[] score(List<Rollout> rollouts) {
        double[] s = scorer.score(rollouts);
        if (s.length != rollouts.size()) {
            throw new IllegalStateException("scorer returned " + s.length + " scores for " + rollouts.size()
                    + " rollouts");
        }
        for (int i = 0; i < s.length; i++) {
            if (!Double.isFinite(s[i])) {
                throw new IllegalStateException("score of rollout " + i + " is " + s[i] + " (response: "
                        + rollouts.get(i).response() + ")");
            }
        }
        return s;
    }

    /** The policy's mean score on {@code prompts}: one sampled response each, in batches of {@code batchSize}. */
    public double meanScore(List<String> prompts, SamplingParams params, int batchSize) {
        double sum = 0;
        for (int from = 0; from < prompts.size(); from += batchSize) {
            List<String> part = prompts.subList(from, Math.min(prompts.size(), from + batchSize));
            sum += Arrays.stream(score(sample(part, params.withSeed(params.seed() + from)))).sum();
        }
        return sum / prompts.size();
    }
}
