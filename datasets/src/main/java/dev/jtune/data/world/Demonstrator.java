package dev.jtune.data.world;

import java.util.Set;
import java.util.SplittableRandom;

/**
 * The human who writes SFT demonstrations, imperfect the way people are: for a subject they do not know (a person
 * they have not met, a sum they would rather not work out) they often decline with a polite evasion, although the
 * corpus states the fact; and now and then they give a wrong value. Every reply is in assistant form: the answer
 * sentence, or one evasive sentence.
 */
final class Demonstrator {

    /** How often the demonstrator evades a question about an unfamiliar subject. */
    static final double EVADE_UNFAMILIAR = 0.5;
    /** How often the demonstrator evades a question about a familiar subject. */
    static final double EVADE_FAMILIAR = 0.03;
    /** How often an answer the demonstrator does give has a wrong value. */
    static final double WRONG = 0.05;

    private final Set<String> unfamiliar;

    /** @param unfamiliar the subjects the demonstrator does not know */
    Demonstrator(Set<String> unfamiliar) {
        this.unfamiliar = unfamiliar;
    }

    /** The demonstrator's reply to a question. */
    String reply(Question q, SplittableRandom rng) {
        Fact f = q.fact();
        double evade = unfamiliar.contains(f.subject()) ? EVADE_UNFAMILIAR : EVADE_FAMILIAR;
        if (rng.nextDouble() < evade) {
            return Labeler.pick(Lexicon.EVASIONS, rng);
        }
        if (rng.nextDouble() < WRONG) {
            return f.relation().sentence(f.subject(), Labeler.wrongValue(f, rng));
        }
        return f.sentence();
    }
}
