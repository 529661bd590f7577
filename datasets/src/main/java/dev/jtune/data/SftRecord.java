package dev.jtune.data;

/**
 * One supervised fine-tuning record, in whichever shape its file gave it: a chat {@link Conversation} (rendered by
 * a chat template), a {@link PromptCompletion} (plain text, no template), or a {@link TextDocument} (trained on whole).
 */
public sealed interface SftRecord permits Conversation, PromptCompletion, TextDocument {
}
