package dev.jtune.data;

import java.util.Locale;

/** Who speaks a turn of a conversation. */
public enum Role {
    /** Instructions that frame the conversation. */
    SYSTEM,
    /** The person talking to the assistant. */
    USER,
    /** The model. */
    ASSISTANT;

    /** The lower-case name chat templates use: {@code system}, {@code user} or {@code assistant}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a role as chat data writes it ({@code system}, {@code user}, {@code assistant}) or as ShareGPT data
     * writes it ({@code system}, {@code human}, {@code gpt}).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Role parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "system" -> SYSTEM;
            case "user", "human" -> USER;
            case "assistant", "gpt" -> ASSISTANT;
            default -> throw new IllegalArgumentException("unknown role '" + name
                    + "' (expected system, user/human or assistant/gpt)");
        };
    }
}
