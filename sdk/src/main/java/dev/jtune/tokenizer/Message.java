package dev.jtune.tokenizer;

import java.util.Objects;

/**
 * One turn of a conversation.
 *
 * @param role    "system", "user" or "assistant" (a template may accept others)
 * @param content the text of the turn
 */
public record Message(String role, String content) {

    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** A system message. */
    public static Message system(String content) {
        return new Message("system", content);
    }

    /** A user message. */
    public static Message user(String content) {
        return new Message("user", content);
    }

    /** An assistant message. */
    public static Message assistant(String content) {
        return new Message("assistant", content);
    }
}
