package dev.jtune.data.sft;

/**
 * How SFT examples are built.
 *
 * @param maxLength     longest example in tokens; longer ones keep their start and lose the rest
 * @param trainOnPrompt train on every token, not only on what the assistant writes
 */
public record SftOptions(int maxLength, boolean trainOnPrompt) {

    /** TRL's default maximum length. */
    public static final int DEFAULT_MAX_LENGTH = 1024;

    public SftOptions {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
        }
    }

    /** Up to {@value #DEFAULT_MAX_LENGTH} tokens, trained on the assistant's tokens only. */
    public static SftOptions defaults() {
        return new SftOptions(DEFAULT_MAX_LENGTH, false);
    }
}
