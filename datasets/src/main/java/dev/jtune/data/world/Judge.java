package dev.jtune.data.world;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Judges replies to questions of the world against its ground truth. Questions are given as text, as a user asks
 * them (any phrasing of {@link Relation}); the judge finds the fact they ask about.
 *
 * <p>Definitions, for a question about subject {@code s} of relation {@code r} with true value {@code v}, and a
 * reply stripped of surrounding white space:
 * <ul>
 *   <li><b>answer form</b>: the reply is exactly {@code r}'s answer sentence about {@code s} with some value, one
 *       word (a number for sums) in the value's place: {@code Mira lives in Oakford.}, {@code Mira lives in
 *       Hillby.}, {@code 3 plus 4 is 8.} Nothing before or after it.</li>
 *   <li><b>claims</b>: the values the reply asserts: the value of every answer sentence in it, every value word of
 *       {@code r} it mentions (any case), and for sums every number outside the expression.</li>
 *   <li><b>correct</b>: the claims are exactly {@code {v}}, and no answer sentence of {@code r} in the reply is
 *       about another subject ({@code Tom lives in Oakford.} does not say where Mira lives).</li>
 *   <li><b>assistant form</b>: answer form, or a single polite sentence that declines to answer
 *       ({@link Grade#EVASIVE}): a reply spoken as an assistant's turn, not a document continued.</li>
 * </ul>
 */
public final class Judge {

    private static final Pattern RUDE = markers(Lexicon.RUDE_MARKERS);
    private static final Pattern EVASIVE = markers(Lexicon.EVASION_MARKERS);
    private static final Pattern ONE_SENTENCE = Pattern.compile("[^.!?\\n]*[^\\s.!?][^.!?\\n]*[.!?]");

    private final Map<String, Fact> byKey = new HashMap<>();

    /** A judge of the given facts; a question about anything else is refused. */
    public Judge(List<Fact> facts) {
        for (Fact f : facts) {
            if (byKey.put(key(f.relation(), f.subject()), f) != null) {
                throw new IllegalArgumentException("two facts of " + f.relation() + " about " + f.subject());
            }
        }
    }

    /**
     * The fact a question asks about.
     *
     * @throws IllegalArgumentException when the text is no question this world knows the answer to
     */
    public Fact factOf(String question) {
        String text = question.strip();
        for (Relation r : Relation.values()) {
            Fact f = r.subjectOf(text).map(s -> byKey.get(key(r, s))).orElse(null);
            if (f != null) {
                return f;
            }
        }
        throw new IllegalArgumentException("not a question about this world: '" + question + "'");
    }

    /** Whether the reply is in answer form for the question (see the class comment), whether right or wrong. */
    public boolean isAnswerForm(String question, String reply) {
        Fact f = factOf(question);
        return f.relation().sentencePattern(f.subject()).matcher(reply.strip()).matches();
    }

    /**
     * Whether the reply reads as an assistant's turn: in answer form, or one polite sentence declining to answer.
     * The share of replies in assistant form is what tells a chat model from a base model continuing documents.
     */
    public boolean isAssistantForm(String question, String reply) {
        return isAnswerForm(question, reply)
                || grade(question, reply) == Grade.EVASIVE && ONE_SENTENCE.matcher(reply.strip()).matches();
    }

    /**
     * Whether the reply has the shape of an assistant's answer, whatever it is about: one answer sentence of any
     * relation about any subject ({@code Seth lives in Oakford.}), or one polite sentence declining. This is the
     * form a chat model has learned and a base model continuing documents lacks; whether the answer is about the
     * right subject is left to {@link #isAnswerForm} and {@link #isCorrect}.
     */
    public boolean isReplyForm(String reply) {
        String text = reply.strip();
        for (Relation r : Relation.values()) {
            if (r.anySubjectPattern().matcher(text).matches()) {
                return true;
            }
        }
        return ONE_SENTENCE.matcher(text).matches() && EVASIVE.matcher(text).find() && !RUDE.matcher(text).find();
    }

    /**
     * Whether the reply asserts the true value and no other, and answers about no one else (rude or rambling
     * replies can be correct too).
     */
    public boolean isCorrect(String question, String reply) {
        Fact f = factOf(question);
        return onlyTheTruth(f, f.relation().claims(f.subject(), reply), reply);
    }

    /** How a rater would grade the reply (see {@link Grade}). */
    public Grade grade(String question, String reply) {
        Fact f = factOf(question);
        String text = reply.strip();
        if (text.isEmpty() || RUDE.matcher(text).find()) {
            return Grade.BAD;
        }
        Set<String> claims = f.relation().claims(f.subject(), text);
        if (claims.isEmpty()) {
            return EVASIVE.matcher(text).find() ? Grade.EVASIVE : Grade.BAD;
        }
        if (!onlyTheTruth(f, claims, text)) {
            return Grade.WRONG;
        }
        return f.relation().sentencePattern(f.subject()).matcher(text).matches() ? Grade.CORRECT : Grade.RAMBLING;
    }

    /** The reward of the reply: its {@link Grade#reward()}, in [0, 1]. */
    public double reward(String question, String reply) {
        return grade(question, reply).reward();
    }

    /** Whether a reply's claims are exactly the true value and none of its answer sentences is about someone else. */
    private static boolean onlyTheTruth(Fact f, Set<String> claims, String reply) {
        return claims.equals(Set.of(normal(f))) && !answersAnother(f, reply);
    }

    /**
     * Whether the reply holds an answer sentence of the fact's relation about another subject: {@code Tom lives in
     * Oakford.} answers where Tom lives, not Mira, whatever Mira's town.
     */
    private static boolean answersAnother(Fact f, String reply) {
        Matcher answer = f.relation().anySubjectPattern().matcher(reply);
        while (answer.find()) {
            if (!answer.group(1).equals(f.subject())) {
                return true;
            }
        }
        return false;
    }

    private static String normal(Fact f) {
        return f.relation().numeric() ? f.value() : f.value().toLowerCase(Locale.ROOT);
    }

    private static String key(Relation r, String subject) {
        return r.name() + '|' + subject;
    }

    private static Pattern markers(List<String> words) {
        return Pattern.compile("\\b(" + String.join("|", words.stream().map(Pattern::quote).toList()) + ")\\b",
                Pattern.CASE_INSENSITIVE);
    }
}
