package dev.jtune.data.sft;

import java.util.Arrays;

/**
 * Token ids and training labels of one example. Labels are aligned with the inputs, as Hugging Face models take
 * them: the loss compares the prediction made at position t with {@code labels[t + 1]}. A label of
 * {@link #IGNORE} means no loss on that token.
 *
 * @param inputIds token ids
 * @param labels   the token id where the model is trained to produce that token, {@link #IGNORE} elsewhere
 */
public record SftExample(int[] inputIds, int[] labels) {

    /** The label of a token the loss skips, as in PyTorch's {@code ignore_index}. */
    public static final int IGNORE = -100;

    public SftExample {
        if (inputIds.length != labels.length) {
            throw new IllegalArgumentException(
                    "inputIds and labels differ in length: " + inputIds.length + " vs " + labels.length);
        }
    }

    /** The number of tokens. */
    public int length() {
        return inputIds.length;
    }

    /** The number of tokens with a label. */
    public int trainedTokens() {
        return (int) Arrays.stream(labels).filter(l -> l != IGNORE).count();
    }

    /** The first {@code maxLength} tokens, or this example when it is no longer. */
    public SftExample truncate(int maxLength) {
        if (length() <= maxLength) {
            return this;
        }
        return new SftExample(Arrays.copyOf(inputIds, maxLength), Arrays.copyOf(labels, maxLength));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SftExample e && Arrays.equals(inputIds, e.inputIds) && Arrays.equals(labels, e.labels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "SftExample[inputIds=" + Arrays.toString(inputIds) + ", labels=" + Arrays.toString(labels) + "]";
    }
}
