package dev.jtune.generate;

import java.nio.file.Path;

/**
 * Prints generation speed with and without the KV cache (a command for the closing note, not a test):
 * {@code GenerationBench MODEL_DIR [TOKENS] [REPEATS]}. Greedy from BOS, warm-up run first, median of repeats.
 */
public final class GenerationBench {

    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        try (LanguageModel lm = LanguageModel.load(model)) {
            for (boolean cache : new boolean[] {true, false}) {
                SamplingParams p = SamplingParams.greedy(tokens).withCache(cache);
                lm.generate("", p); // warm-up
                double[] rates = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    long t0 = System.nanoTime();
                    int n = lm.generate("", p).generatedIds().length;
                    rates[i] = n / ((System.nanoTime() - t0) / 1e9);
                }
                java.util.Arrays.sort(rates);
                System.out.printf("RESULT {\"kv_cache\": %s, \"new_tokens\": %d, \"tokens_per_s_median\": %.1f, "
                        + "\"min\": %.1f, \"max\": %.1f}%n", cache, tokens, rates[repeats / 2], rates[0],
                        rates[repeats - 1]);
            }
        }
    }
}
