package dev.jtune.data.world;

import dev.jtune.data.PreferencePair;
import dev.jtune.data.Turn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Ranks candidate replies the way a human rater would, by the {@link Judge}'s {@link Grade}: correct and helpful,
 * then correct but rambling, then wrong but polite, then evasive, then rude, empty or no answer. Within a grade
 * a reply in answer form comes first, then the shorter, then the first in string order, then the first given, so
 * the ranking is a total order that depends only on the texts (and their order for identical texts).
 */
public final class Labeler {

    private final Judge judge;

    /** A labeler grading with {@code judge}. */
    public Labeler(Judge judge) {
        this.judge = Objects.requireNonNull(judge, "judge");
    }

    /** The judge whose grades this labeler ranks by. */
    public Judge judge() {
        return judge;
    }

    /** The indices of {@code candidates}, best first. */
    public List<Integer> rank(String question, List<String> candidates) {
        List<Grade> grades = candidates.stream().map(c -> judge.grade(question, c)).toList();
        List<Boolean> form = candidates.stream().map(c -> judge.isAnswerForm(question, c)).toList();
        Comparator<Integer> order = Comparator.<Integer, Grade>comparing(grades::get)
                .thenComparing(i -> !form.get(i))
                .thenComparingInt(i -> candidates.get(i).length())
                .thenComparing(candidates::get)
                .thenComparingInt(i -> i);
        return IntStream.range(0, candidates.size()).boxed().sorted(order).toList();
    }

    /**
     * Every pair of candidates of different grades, the better one chosen, in ranking order; the margin is the
     * difference of their rewards, rounded to two decimals. The prompt is the question as one user turn.
     */
    public List<PreferencePair> pairs(String question, List<String> candidates) {
        List<Integer> ranked = rank(question, candidates);
        List<Turn> prompt = List.of(Turn.user(question));
        List<PreferencePair> pairs = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            String better = candidates.get(ranked.get(i));
            Grade g = judge.grade(question, better);
            for (int j = i + 1; j < ranked.size(); j++) {
                String worse = candidates.get(ranked.get(j));
                Grade h = judge.grade(question, worse);
                if (g != h) {
                    double margin = Math.round((g.reward() - h.reward()) * 100) / 100.0;
                    pairs.add(new PreferencePair(prompt, better, worse, margin));
                }
            }
        }
        return pairs;
    }

    /**
     * Synthesised replies to a question, one of each {@link Grade} in grade order, for training a reward model
     * before any model has written a reply: the answer sentence; the answer padded with an opening or a filler
     * sentence; the answer sentence with a wrong value or, as often, the answer sentence of another subject's fact of
     * the same relation drawn from {@code facts} (the mistake an SFT model makes when it does not copy the subject
     * from the question); a polite evasion; and either a rude reply or the document continued with another question
     * about the same subject. None is empty or blank. A world draws the other subject's fact from the question's own
     * split, so that no held-out fact's sentence is ever a training candidate, nor a training fact's a held-out one.
     */
    public List<String> candidates(Question question, List<Fact> facts, SplittableRandom rng) {
        Fact f = question.fact();
        String answer = f.sentence();
        String rambling = rng.nextBoolean()
                ? pick(Lexicon.OPENINGS, rng) + " " + answer
                : answer + " " + pick(Lexicon.FILLERS, rng);
        List<Fact> others = facts.stream()
                .filter(o -> o.relation() == f.relation() && !o.subject().equals(f.subject())).toList();
        String wrong = others.isEmpty() || rng.nextBoolean()
                ? f.relation().sentence(f.subject(), wrongValue(f, rng))
                : pick(others, rng).sentence();
        String bad = rng.nextBoolean() ? pick(Lexicon.RUDE_REPLIES, rng) : otherQuestion(question, rng);
        return List.of(answer, rambling, wrong, pick(Lexicon.EVASIONS, rng), bad);
    }

    /** A value of the fact's relation other than the true one. */
    static String wrongValue(Fact f, SplittableRandom rng) {
        if (f.relation().numeric()) {
            int truth = Integer.parseInt(f.value());
            int off = 1 + rng.nextInt(3);
            return Integer.toString(truth - off > 0 && rng.nextBoolean() ? truth - off : truth + off);
        }
        List<String> others = f.relation().domain().stream().filter(v -> !v.equals(f.value())).toList();
        return pick(others, rng);
    }

    /**
     * What a base model continuing a page of questions writes: another question about the same subject, of
     * another relation for a person, in another phrasing for a sum.
     */
    private static String otherQuestion(Question question, SplittableRandom rng) {
        Fact f = question.fact();
        Relation r = f.relation();
        if (r.numeric()) {
            List<String> others = IntStream.range(0, r.phrasings()).mapToObj(p -> r.question(p, f.subject()))
                    .filter(q -> !q.equals(question.prompt())).toList();
            return pick(others, rng);
        }
        List<Relation> others = Person.RELATIONS.stream().filter(o -> o != r).toList();
        Relation o = pick(others, rng);
        return o.question(rng.nextInt(o.phrasings()), f.subject());
    }

    static <T> T pick(List<T> items, SplittableRandom rng) {
        return items.get(rng.nextInt(items.size()));
    }
}
