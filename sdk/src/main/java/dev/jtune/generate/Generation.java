package dev.jtune.generate;

/**
 * One finished generation.
 *
 * @param promptIds    the prompt as encoded (BOS included where the tokenizer adds one)
 * @param generatedIds the new tokens, including a final EOS token when that is what ended it
 * @param text         the new tokens decoded, special tokens left out, cut before a stop string
 */
public record Generation(int[] promptIds, int[] generatedIds, String text, FinishReason finishReason) {

    /** Why a sequence stopped. */
    public enum FinishReason { EOS, STOP_STRING, LENGTH }
}
