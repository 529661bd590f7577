package dev.jtune.data;

import java.util.List;

/**
 * A chat: turns in order, typically an optional system turn, then user and assistant turns alternating.
 *
 * @param turns at least one turn
 */
public record Conversation(List<Turn> turns) implements SftRecord {

    public Conversation {
        turns = List.copyOf(turns);
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one turn");
        }
    }

    /** A conversation of the given turns. */
    public static Conversation of(Turn... turns) {
        return new Conversation(List.of(turns));
    }
}
