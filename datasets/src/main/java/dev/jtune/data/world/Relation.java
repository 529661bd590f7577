package dev.jtune.data.world;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a fact says about its subject: where a person lives, which colour, food and pet they have, or what a sum
 * comes to. Each relation has one answer sentence ({@link #sentence}), which is both the canonical fact sentence
 * of the corpus and the only reply in answer form; a few question phrasings; and a prose variant used in the
 * corpus for variety.
 */
public enum Relation {
    /** The town a person lives in. */
    TOWN("%s lives in %s.", "The home town of %s is %s.", Lexicon.TOWNS,
            "Where does %s live?", "In which town does %s live?", "What is the home town of %s?"),
    /** A person's favourite colour. */
    COLOUR("%s likes %s.", "The favourite colour of %s is %s.", Lexicon.COLOURS,
            "What colour does %s like?", "What is the favourite colour of %s?", "Which colour does %s like best?"),
    /** A person's favourite food. */
    FOOD("%s eats %s.", "The favourite food of %s is %s.", Lexicon.FOODS,
            "What does %s eat?", "What is the favourite food of %s?", "Which food does %s like to eat?"),
    /** A person's pet. */
    PET("%s has a %s.", "The pet of %s is a %s.", Lexicon.PETS,
            "What pet does %s have?", "Which animal does %s keep as a pet?", "What is the pet of %s?"),
    /** The sum of two small numbers; the subject is the expression, such as {@code 3 plus 4}. */
    SUM("%s is %s.", "If you work out %s you get %s.", List.of(),
            "What is %s?", "How much is %s?", "Can you work out %s?");

    private static final Pattern NUMBER = Pattern.compile("\\b\\d+\\b");
    private static final Pattern WORD = Pattern.compile("[A-Za-z]+");

    private final String sentence;
    private final String variant;
    private final List<String> domain;
    private final List<String> questions;

    Relation(String sentence, String variant, List<String> values, String... questions) {
        this.sentence = sentence;
        this.variant = variant;
        this.domain = values;
        this.questions = List.of(questions);
    }

    /** The number of question phrasings; {@link #question} takes an index below it. */
    public int phrasings() {
        return questions.size();
    }

    /** The question of phrasing {@code phrasing} about {@code subject}. */
    public String question(int phrasing, String subject) {
        return String.format(Locale.ROOT, questions.get(phrasing), subject);
    }

    /** The answer sentence: {@code Mira lives in Oakford.}, {@code 3 plus 4 is 7.} */
    public String sentence(String subject, String value) {
        return String.format(Locale.ROOT, sentence, subject, value);
    }

    /** The same fact in other words, for prose: {@code The home town of Mira is Oakford.} */
    public String variant(String subject, String value) {
        return String.format(Locale.ROOT, variant, subject, value);
    }

    /**
     * The values a fact of this relation can have, in a fixed order; empty for {@link #SUM}, whose values are
     * numbers.
     */
    public List<String> domain() {
        return domain;
    }

    /** Whether this relation's values are numbers rather than words of {@link #domain()}. */
    public boolean numeric() {
        return domain.isEmpty();
    }

    /**
     * The subject of a question in one of this relation's phrasings, if the text is such a question.
     *
     * @param text the question, stripped of surrounding white space
     */
    Optional<String> subjectOf(String text) {
        String subject = numeric() ? "(\\d+ plus \\d+)" : "([A-Z][a-z]+)";
        for (String q : questions) {
            String[] parts = q.split("%s", -1);
            Matcher m = Pattern.compile(Pattern.quote(parts[0]) + subject + Pattern.quote(parts[1])).matcher(text);
            if (m.matches()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** The answer sentence about {@code subject} with its value left open: one capture group for the value. */
    Pattern sentencePattern(String subject) {
        return answerPattern(Pattern.quote(subject));
    }

    /**
     * The answer sentence about any subject (a name, or for sums an expression) with any one-word value; group 1 is
     * the subject, group 2 the value.
     */
    Pattern anySubjectPattern() {
        return answerPattern(numeric() ? "\\b(\\d+ plus \\d+)" : "\\b([A-Z][a-z]+)");
    }

    private Pattern answerPattern(String subjectRegex) {
        String[] parts = sentence.split("%s", -1);
        String value = numeric() ? "(\\d+)" : "([A-Za-z]+)";
        return Pattern.compile(Pattern.quote(parts[0]) + subjectRegex + Pattern.quote(parts[1]) + value
                + Pattern.quote(parts[2]));
    }

    /**
     * The values a reply asserts for {@code subject}, in order of first appearance: the value of every answer
     * sentence in it, and besides, for word relations every value word it mentions, for {@link #SUM} every number
     * outside the expression itself.
     */
    Set<String> claims(String subject, String reply) {
        Set<String> claims = new LinkedHashSet<>();
        Matcher answers = sentencePattern(subject).matcher(reply);
        while (answers.find()) {
            claims.add(numeric() ? answers.group(1) : answers.group(1).toLowerCase(Locale.ROOT));
        }
        if (numeric()) {
            Matcher n = NUMBER.matcher(reply.replace(subject, " "));
            while (n.find()) {
                claims.add(n.group());
            }
            return claims;
        }
        List<String> lower = new ArrayList<>(domain.size());
        domain.forEach(v -> lower.add(v.toLowerCase(Locale.ROOT)));
        Matcher w = WORD.matcher(reply);
        while (w.find()) {
            String word = w.group().toLowerCase(Locale.ROOT);
            if (lower.contains(word)) {
                claims.add(word);
            }
        }
        return claims;
    }
}
