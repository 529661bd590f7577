package dev.jtune.data.world;

import java.util.Objects;

/**
 * A question about the world with its ground truth.
 *
 * @param prompt the question as a user asks it: {@code Where does Mira live?}
 * @param fact   the fact that answers it
 */
public record Question(String prompt, Fact fact) {

    public Question {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(fact, "fact");
    }

    /** The ideal reply: the fact's answer sentence, such as {@code Mira lives in Oakford.} */
    public String answer() {
        return fact.sentence();
    }
}
