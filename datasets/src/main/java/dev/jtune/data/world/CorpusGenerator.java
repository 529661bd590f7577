package dev.jtune.data.world;

import dev.jtune.data.TextDocument;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes the pretraining corpus: pages of facts in prose, stories, town pages, pages that list questions without
 * answering them, and pages of sums. It begins with one page per person and pages of every sum, each fact in its
 * answer sentence, so every fact is stated in the exact words of an answer; then adds documents drawn at random
 * until the byte budget is reached; then shuffles them. No document is shorter than three sentences or lines, none
 * holds a blank line, an evasion or a rude word, and only question pages break lines, so no line of the corpus is a
 * lone answer sentence: a model trained on it has never seen a one-sentence reply.
 */
final class CorpusGenerator {

    /** Relative weights of profile, town, story, question and sum pages among the random documents. */
    private static final int[] WEIGHTS = {30, 10, 25, 15, 20};
    private static final double CANONICAL = 0.7;
    private static final int SUMS_PER_PAGE = 8;

    private static final List<String> STORIES = List.of(
            "{A} lives in {townA}. One morning {A} walked to the market with a {petA}. At the market {A} met {B},"
                    + " who had come from {townB}. {B} has a {petB}. They shared some {foodA}, because {A} eats"
                    + " {foodA}. {B} wore {colourB}, because {B} likes {colourB}.",
            "It was a cold day in {townA}. {A} put on a {colourA} coat, because {A} likes {colourA}. The {petA}"
                    + " stayed at home, for {A} has a {petA} that does not like the cold. In the evening {A} ate"
                    + " {foodA}. {A} eats {foodA} most days.",
            "{A} and {B} are friends. {A} lives in {townA} and {B} lives in {townB}. Every week {A} visits {B}."
                    + " {B} cooks {foodB}, since {B} eats {foodB}. The {petA} of {A} plays with the {petB} of {B}.",
            "{B} wrote a letter to {A}. The letter said: my {petB} is well, and I still eat {foodB} every day."
                    + " {A} read it at home in {townA} and smiled. {A} has a {petA} too. {B} likes {colourB}, so"
                    + " the letter was {colourB}.",
            "{A} counted the eggs in the basket. There were {x} big eggs and {y} small eggs. {x} plus {y} is {z},"
                    + " so {A} had {z} eggs. {A} gave them to {B}, who lives in {townB}.");

    private final List<Person> people;
    private final List<Fact> sums;
    private final SplittableRandom rng;

    CorpusGenerator(List<Person> people, List<Fact> sums, SplittableRandom rng) {
        this.people = people;
        this.sums = sums;
        this.rng = rng;
    }

    /** Documents in shuffled order whose UTF-8 size, with a blank line between each two, reaches {@code bytes}. */
    List<TextDocument> generate(int bytes) {
        List<String> docs = new ArrayList<>();
        for (Person p : people) {
            docs.add(profile(p, 1.0));
        }
        for (int i = 0; i < sums.size(); i += SUMS_PER_PAGE) {
            docs.add(sumPage(sums.subList(i, Math.min(sums.size(), i + SUMS_PER_PAGE)), 1.0));
        }
        long size = docs.stream().mapToLong(d -> utf8(d) + 2).sum();
        while (size < bytes) {
            String doc = randomDocument();
            docs.add(doc);
            size += utf8(doc) + 2;
        }
        return shuffled(docs).stream().map(TextDocument::new).toList();
    }

    private String randomDocument() {
        int total = 0;
        for (int w : WEIGHTS) {
            total += w;
        }
        int u = rng.nextInt(total);
        int kind = 0;
        while (u >= WEIGHTS[kind]) {
            u -= WEIGHTS[kind++];
        }
        return switch (kind) {
            case 0 -> profile(Labeler.pick(people, rng), CANONICAL);
            case 1 -> townPage();
            case 2 -> story();
            case 3 -> rng.nextBoolean() ? questionsAbout(Labeler.pick(people, rng)) : quiz();
            default -> sumPage(drawSums(6 + rng.nextInt(5)), CANONICAL);
        };
    }

    /** A person's four facts in shuffled order, each in its answer sentence with probability {@code canonical}. */
    private String profile(Person p, double canonical) {
        List<String> sentences = new ArrayList<>();
        for (Fact f : shuffled(p.facts())) {
            sentences.add(rng.nextDouble() < canonical ? f.sentence() : f.relation().variant(f.subject(), f.value()));
        }
        return String.join(" ", sentences);
    }

    /** The town of a random person, and everyone who lives there. */
    private String townPage() {
        String town = Labeler.pick(people, rng).town();
        StringBuilder page = new StringBuilder(town).append(" is a town in the valley. It has a market and a river.");
        for (Person p : shuffled(people)) {
            if (p.town().equals(town)) {
                page.append(' ').append(Relation.TOWN.sentence(p.name(), town));
            }
        }
        return page.toString();
    }

    private String story() {
        Person a = Labeler.pick(people, rng);
        Person b = people.size() == 1 ? a : Labeler.pick(people.stream().filter(p -> p != a).toList(), rng);
        Fact sum = Labeler.pick(sums, rng);
        String[] xy = sum.subject().split(" plus ");
        return Labeler.pick(STORIES, rng)
                .replace("{A}", a.name()).replace("{B}", b.name())
                .replace("{townA}", a.town()).replace("{townB}", b.town())
                .replace("{colourA}", a.colour()).replace("{colourB}", b.colour())
                .replace("{foodA}", a.food()).replace("{foodB}", b.food())
                .replace("{petA}", a.pet()).replace("{petB}", b.pet())
                .replace("{x}", xy[0]).replace("{y}", xy[1]).replace("{z}", sum.value());
    }

    /** A heading and three or four questions about one person, one a line, unanswered. */
    private String questionsAbout(Person p) {
        StringBuilder page = new StringBuilder("Questions about ").append(p.name()).append(':');
        for (Relation r : shuffled(Person.RELATIONS).subList(0, 3 + rng.nextInt(2))) {
            page.append('\n').append(r.question(rng.nextInt(r.phrasings()), p.name()));
        }
        return page.toString();
    }

    /** A numbered quiz of five to eight questions about anyone and any sum, unanswered. */
    private String quiz() {
        StringBuilder page = new StringBuilder("Quiz ").append(1 + rng.nextInt(50)).append('.');
        int n = 5 + rng.nextInt(4);
        for (int i = 1; i <= n; i++) {
            Fact f = rng.nextInt(4) == 0
                    ? Labeler.pick(sums, rng)
                    : Labeler.pick(Labeler.pick(people, rng).facts(), rng);
            Relation r = f.relation();
            page.append('\n').append(i).append(". ").append(r.question(rng.nextInt(r.phrasings()), f.subject()));
        }
        return page.toString();
    }

    /**
     * Sums in one paragraph, each in its answer sentence with probability {@code canonical}. A paragraph rather than
     * one sum a line, so that no line of the corpus is a lone answer sentence a base model could stop after.
     */
    private String sumPage(List<Fact> page, double canonical) {
        List<String> lines = new ArrayList<>();
        for (Fact f : page) {
            lines.add(rng.nextDouble() < canonical ? f.sentence() : Relation.SUM.variant(f.subject(), f.value()));
        }
        if (lines.size() < 3) {
            lines.addAll(drawSums(3 - lines.size()).stream().map(Fact::sentence).toList());
        }
        return String.join(" ", lines);
    }

    private List<Fact> drawSums(int n) {
        List<Fact> drawn = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            drawn.add(Labeler.pick(sums, rng));
        }
        return drawn;
    }

    private <T> List<T> shuffled(List<T> items) {
        return World.shuffled(items, rng);
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
