package dev.jtune.data.sft;

import java.util.Objects;

/**
 * A piece of rendered chat text and whether the model is trained to produce it.
 *
 * @param text    the text, template markup included, tokenized as it is (no special tokens added)
 * @param trained true for what the assistant writes (its content and its end-of-turn token), false otherwise
 */
public record Segment(String text, boolean trained) {

    public Segment {
        Objects.requireNonNull(text, "text");
    }

    /** A segment the model reads but is not trained on. */
    public static Segment prompt(String text) {
        return new Segment(text, false);
    }

    /** A segment the model is trained to write. */
    public static Segment trained(String text) {
        return new Segment(text, true);
    }
}
