package dev.jtune.data;

import java.util.Objects;

/**
 * One message of a conversation.
 *
 * @param role    who speaks
 * @param content what is said, as plain text (no template markup)
 */
public record Turn(Role role, String content) {

    public Turn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** A system turn. */
    public static Turn system(String content) {
        return new Turn(Role.SYSTEM, content);
    }

    /** A user turn. */
    public static Turn user(String content) {
        return new Turn(Role.USER, content);
    }

    /** An assistant turn. */
    public static Turn assistant(String content) {
        return new Turn(Role.ASSISTANT, content);
    }
}
