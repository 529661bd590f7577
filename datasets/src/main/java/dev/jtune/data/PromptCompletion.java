package dev.jtune.data;

import java.util.Objects;

/**
 * A prompt and the completion to train on, both plain text used as they are (no chat template): for data whose
 * prompt is already formatted, such as {@code {prompt, answer}} files with an Alpaca-style prompt.
 *
 * @param prompt     text the model reads (not trained on by default)
 * @param completion text the model learns to write after the prompt
 */
public record PromptCompletion(String prompt, String completion) implements SftRecord {

    public PromptCompletion {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
    }

    /** The same data as a one-exchange chat, for use with a chat template instead. */
    public Conversation asConversation() {
        return Conversation.of(Turn.user(prompt), Turn.assistant(completion));
    }
}
