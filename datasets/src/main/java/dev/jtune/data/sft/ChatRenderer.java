package dev.jtune.data.sft;

import dev.jtune.data.Conversation;

import java.util.List;

/**
 * Renders a conversation into text with a chat template, in segments flagged trained or not; a chat template
 * provides this. Concatenated, the segments are the whole rendered conversation, BOS markup included if the template
 * has it. Each segment is tokenized on its own, so a template should cut segments where token boundaries fall anyway
 * (at special tokens and line breaks).
 */
@FunctionalInterface
public interface ChatRenderer {

    /** The rendered conversation, in order. */
    List<Segment> render(Conversation conversation);

    /**
     * Whether each trained segment already ends with the template's end-of-turn marker; when not (alpaca), the
     * example builder appends the tokenizer's EOS id after it so the model learns to stop.
     */
    default boolean endsTurns() {
        return true;
    }
}
