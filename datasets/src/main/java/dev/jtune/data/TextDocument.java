package dev.jtune.data;

import java.util.Objects;

/**
 * A plain-text document, for pretraining or for language-model fine-tuning on every token.
 *
 * @param text the document's text
 */
public record TextDocument(String text) implements SftRecord {

    public TextDocument {
        Objects.requireNonNull(text, "text");
    }
}
