package dev.jtune.tokenizer;

import java.util.HashSet;
import java.util.List;

/**
 * Settings of {@link BpeTrainer}.
 *
 * @param vocabSize      total ids: 256 byte tokens, the learned merges, then the special tokens
 * @param specialTokens  added tokens that are never split, in id order at the end of the vocabulary; the first is
 *                       BOS (prepended by {@code encode}), the second EOS, the third, when present, PAD
 * @param minFrequency   a pair seen fewer times than this is never merged, so training may stop below vocabSize
 * @param modelMaxLength the {@code model_max_length} written to tokenizer_config.json
 */
public record BpeTrainerConfig(int vocabSize, List<String> specialTokens, int minFrequency, int modelMaxLength) {

    /** LLaMA-3's names for BOS, EOS, PAD and the chat-template markers. */
    public static final List<String> DEFAULT_SPECIAL_TOKENS = List.of("<|begin_of_text|>", "<|end_of_text|>",
            "<|pad|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");

    public BpeTrainerConfig {
        specialTokens = List.copyOf(specialTokens);
        if (specialTokens.size() < 2) {
            throw new IllegalArgumentException("specialTokens needs at least BOS and EOS, got " + specialTokens);
        }
        if (new HashSet<>(specialTokens).size() != specialTokens.size() || specialTokens.contains("")) {
            throw new IllegalArgumentException("specialTokens must be distinct and non-empty: " + specialTokens);
        }
        if (vocabSize < 256 + specialTokens.size()) {
            throw new IllegalArgumentException("vocabSize " + vocabSize + " leaves no room beside 256 byte tokens and "
                    + specialTokens.size() + " special tokens");
        }
        if (minFrequency < 1) {
            throw new IllegalArgumentException("minFrequency must be at least 1, got " + minFrequency);
        }
        if (modelMaxLength < 1) {
            throw new IllegalArgumentException("modelMaxLength must be positive, got " + modelMaxLength);
        }
    }

    /** {@code vocabSize} with the default special tokens, minimum frequency 2 and model_max_length 2048. */
    public BpeTrainerConfig(int vocabSize) {
        this(vocabSize, DEFAULT_SPECIAL_TOKENS, 2, 2048);
    }
}
