package dev.jtune.data.world;

import java.util.Objects;

/**
 * One true statement of the world.
 *
 * @param relation what the fact says
 * @param subject  whom or what it is about: a person's name, or a sum such as {@code 3 plus 4}
 * @param value    the answer: a town, colour, food, pet, or a number
 */
public record Fact(Relation relation, String subject, String value) {

    public Fact {
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(value, "value");
    }

    /** The fact's answer sentence, as the corpus states it and as an answer-form reply says it. */
    public String sentence() {
        return relation.sentence(subject, value);
    }

    /** The question of the given phrasing about this fact (see {@link Relation#question}). */
    public Question question(int phrasing) {
        return new Question(relation.question(phrasing, subject), this);
    }
}
