package dev.jtune.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Two assistant replies to the same prompt, one preferred over the other: what reward models and DPO train on.
 *
 * @param prompt   the conversation so far, ending where the assistant's reply begins (usually with a user turn)
 * @param chosen   the preferred assistant reply
 * @param rejected the other assistant reply
 * @param margin   how much better {@code chosen} is, for a margin in the reward loss; 0 when the data gives none
 */
public record PreferencePair(List<Turn> prompt, String chosen, String rejected, double margin) {

    public PreferencePair {
        prompt = List.copyOf(prompt);
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(rejected, "rejected");
        if (!Double.isFinite(margin)) {
            throw new IllegalArgumentException("margin must be finite, got " + margin);
        }
    }

    /** A pair with no margin. */
    public PreferencePair(List<Turn> prompt, String chosen, String rejected) {
        this(prompt, chosen, rejected, 0.0);
    }

    /** The prompt followed by the chosen reply. */
    public Conversation chosenConversation() {
        return withReply(chosen);
    }

    /** The prompt followed by the rejected reply. */
    public Conversation rejectedConversation() {
        return withReply(rejected);
    }

    private Conversation withReply(String reply) {
        List<Turn> turns = new ArrayList<>(prompt);
        turns.add(Turn.assistant(reply));
        return new Conversation(turns);
    }
}
