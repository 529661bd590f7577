package dev.jtune.generate;

import java.util.List;

/**
 * How to pick each next token, with Hugging Face's meanings.
 *
 * @param maxNewTokens      tokens to generate at most, per prompt
 * @param temperature       0 means greedy (argmax); otherwise logits are divided by it before sampling
 * @param topK              keep the k most likely tokens; 0 disables
 * @param topP              keep the smallest set of most likely tokens whose probability reaches p; 1 disables
 * @param repetitionPenalty above 1 discourages tokens already in the prompt or the output (CTRL's rule); 1 disables
 * @param seed              the random stream for sampling; the same seed gives the same output
 * @param stopStrings       generation of a sequence ends when its text contains one; the text is cut before it
 * @param useCache          reuse keys and values of earlier positions (a KV cache); false recomputes everything
 */
public record SamplingParams(int maxNewTokens, double temperature, int topK, double topP, double repetitionPenalty,
                             long seed, List<String> stopStrings, boolean useCache) {

    public SamplingParams {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetitionPenalty must be > 0, got " + repetitionPenalty);
        }
        stopStrings = List.copyOf(stopStrings);
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens with the KV cache. */
    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(maxNewTokens, 0, 0, 1, 1, 0, List.of(), true);
    }

    /** Sampling at {@code temperature} with no top-k / top-p cut. */
    public static SamplingParams sample(int maxNewTokens, double temperature, long seed) {
        return new SamplingParams(maxNewTokens, temperature, 0, 1, 1, seed, List.of(), true);
    }

    public SamplingParams withMaxNewTokens(int n) {
        return new SamplingParams(n, temperature, topK, topP, repetitionPenalty, seed, stopStrings, useCache);
    }

    public SamplingParams withTopK(int k) {
        return new SamplingParams(maxNewTokens, temperature, k, topP, repetitionPenalty, seed, stopStrings, useCache);
    }

    public SamplingParams withTopP(double p) {
        return new SamplingParams(maxNewTokens, temperature, topK, p, repetitionPenalty, seed, stopStrings, useCache);
    }

    public SamplingParams withRepetitionPenalty(double penalty) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, penalty, seed, stopStrings, useCache);
    }

    public SamplingParams withStopStrings(List<String> stops) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stops, useCache);
    }

    /** The same settings drawing from another random stream (RL rollouts use a new seed per step). */
    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, repetitionPenalty, newSeed, stopStrings,
                useCache);
    }

    public SamplingParams withCache(boolean cache) {
        return new SamplingParams(maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stopStrings, cache);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
