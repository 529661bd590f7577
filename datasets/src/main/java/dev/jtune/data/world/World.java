package dev.jtune.data.world;

import dev.jtune.data.Conversation;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.TextDocument;
import dev.jtune.data.Turn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A small world that a model of a few million parameters learns in minutes, and the data of every training stage
 * drawn from it, all determined by a seed and a {@link Preset}.
 *
 * <p>The world is a set of people, each with a home town, favourite colour, favourite food and pet, and the sums of
 * small numbers. Its facts are split three ways: held-out facts, which only {@link #heldOutQuestions} and
 * {@link #preferenceEval} ask about; SFT evaluation facts; and the training pool, which SFT demonstrations and
 * preference prompts ask about. The corpus states every fact. SFT demonstrations use two of the three phrasings
 * of each question; preference prompts and held-out questions use all three.
 *
 * <p>Why the stages move the way they should: the base model has read facts in prose and pages that list questions
 * without answers, so after a question it continues the page (another question, more prose) instead of replying
 * in assistant form. The SFT demonstrations teach the one-sentence answer form, but the demonstrator
 * ({@link #unfamiliarSubjects}) evades half the questions about a third of the subjects and gives a wrong value now
 * and then, so the SFT model evades where its corpus knowledge would have answered. The labeler ranks evasion
 * below any polite answer, so a reward model learns to prefer answers, and PPO on the preference prompts moves the
 * policy from evading to answering about those subjects, which raises accuracy and reward on held-out questions
 * about the same subjects; the move is one early choice of the reply, so the KL to the SFT policy stays small.
 *
 * @param seed               the seed everything was drawn from
 * @param preset             the size
 * @param people             the people, in the order they were drawn
 * @param sums               the sums, {@code 1 plus 1} first, the second operand running fastest
 * @param unfamiliarSubjects names and sums the SFT demonstrator does not know, in drawing order
 * @param corpus             the pretraining documents
 * @param sftTrain           SFT demonstrations: one user question and the demonstrator's reply each
 * @param sftEval            SFT demonstrations about facts no training demonstration asks about
 * @param preferencePrompts  distinct questions of the training pool, for reward-model pairs and PPO rollouts
 * @param heldOutQuestions   distinct questions about held-out facts, for the final evaluation
 * @param preferenceTrain    pairs ranked by the labeler over synthesised candidates for the preference prompts
 * @param preferenceEval     the same for the held-out questions
 * @param judge              the judge of the world's ground truth
 * @param labeler            the labeler ranking candidates by the judge's grades
 */
public record World(long seed, Preset preset, List<Person> people, List<Fact> sums, List<String> unfamiliarSubjects,
                    List<TextDocument> corpus, List<Conversation> sftTrain, List<Conversation> sftEval,
                    List<Question> preferencePrompts, List<Question> heldOutQuestions,
                    List<PreferencePair> preferenceTrain, List<PreferencePair> preferenceEval,
                    Judge judge, Labeler labeler) {

    /** The pretraining corpus: documents separated by a blank line. */
    public static final String CORPUS_FILE = "corpus.txt";
    /** SFT training demonstrations, chat JSONL ({@code {"messages": [...]}}). */
    public static final String SFT_TRAIN_FILE = "sft_train.jsonl";
    /** SFT evaluation demonstrations, chat JSONL. */
    public static final String SFT_EVAL_FILE = "sft_eval.jsonl";
    /** Preference and PPO prompts, {@code {"prompt", "answer"}} JSONL. */
    public static final String PROMPTS_FILE = "prompts.jsonl";
    /** Held-out questions, {@code {"prompt", "answer"}} JSONL. */
    public static final String QUESTIONS_FILE = "questions.jsonl";
    /** Reward-model training pairs, {@code {"prompt", "chosen", "rejected", "margin"}} JSONL. */
    public static final String PREFERENCES_TRAIN_FILE = "preferences_train.jsonl";
    /** Reward-model held-out pairs, the same format. */
    public static final String PREFERENCES_EVAL_FILE = "preferences_eval.jsonl";

    /** The share of facts held out for the final evaluation. */
    static final double HELD_OUT_SHARE = 0.25;
    /** The share of facts kept for SFT evaluation. */
    static final double SFT_EVAL_SHARE = 0.10;
    /** How many of each relation's phrasings SFT demonstrations use (the first ones). */
    static final int SFT_PHRASINGS = 2;
    /** The chance that a subject is unfamiliar to the demonstrator. */
    static final double UNFAMILIAR_SHARE = 1.0 / 3;

    public World {
        Objects.requireNonNull(preset, "preset");
        people = List.copyOf(people);
        sums = List.copyOf(sums);
        unfamiliarSubjects = List.copyOf(unfamiliarSubjects);
        corpus = List.copyOf(corpus);
        sftTrain = List.copyOf(sftTrain);
        sftEval = List.copyOf(sftEval);
        preferencePrompts = List.copyOf(preferencePrompts);
        heldOutQuestions = List.copyOf(heldOutQuestions);
        preferenceTrain = List.copyOf(preferenceTrain);
        preferenceEval = List.copyOf(preferenceEval);
        Objects.requireNonNull(judge, "judge");
        Objects.requireNonNull(labeler, "labeler");
    }

    /** Draws the world of {@code seed} at the size of {@code preset}; the same arguments give the same world. */
    public static World generate(long seed, Preset preset) {
        if (preset.people() > Lexicon.NAMES.size()) {
            throw new IllegalArgumentException(preset + " asks for " + preset.people() + " people; there are "
                    + Lexicon.NAMES.size() + " names");
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom worldRng = root.split();
        SplittableRandom corpusRng = root.split();
        SplittableRandom sftRng = root.split();
        SplittableRandom promptRng = root.split();
        SplittableRandom pairRng = root.split();

        List<Person> people = new ArrayList<>();
        for (String name : shuffled(Lexicon.NAMES, worldRng).subList(0, preset.people())) {
            people.add(new Person(name, Labeler.pick(Lexicon.TOWNS, worldRng), Labeler.pick(Lexicon.COLOURS, worldRng),
                    Labeler.pick(Lexicon.FOODS, worldRng), Labeler.pick(Lexicon.PETS, worldRng)));
        }
        List<Fact> sums = new ArrayList<>();
        for (int a = 1; a <= preset.maxOperand(); a++) {
            for (int b = 1; b <= preset.maxOperand(); b++) {
                sums.add(new Fact(Relation.SUM, a + " plus " + b, Integer.toString(a + b)));
            }
        }
        List<Fact> facts = facts(people, sums);
        List<String> unfamiliar = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        people.forEach(p -> subjects.add(p.name()));
        sums.forEach(f -> subjects.add(f.subject()));
        for (String subject : subjects) {
            if (worldRng.nextDouble() < UNFAMILIAR_SHARE) {
                unfamiliar.add(subject);
            }
        }

        List<Fact> order = shuffled(facts, worldRng);
        int heldOut = (int) Math.round(facts.size() * HELD_OUT_SHARE);
        int sftEval = (int) Math.round(facts.size() * SFT_EVAL_SHARE);
        List<Fact> heldOutFacts = order.subList(0, heldOut);
        List<Fact> sftEvalFacts = order.subList(heldOut, heldOut + sftEval);
        List<Fact> pool = order.subList(heldOut + sftEval, order.size());

        Judge judge = new Judge(facts);
        Labeler labeler = new Labeler(judge);
        Demonstrator demonstrator = new Demonstrator(Set.copyOf(unfamiliar));
        List<Question> prompts = questions(pool, preset.preferencePrompts(), promptRng);
        List<Question> heldOutQuestions = questions(heldOutFacts, preset.heldOutQuestions(), promptRng);
        return new World(seed, preset, people, sums, unfamiliar,
                new CorpusGenerator(people, sums, corpusRng).generate(preset.corpusBytes()),
                demonstrations(pool, preset.sftTrain(), demonstrator, sftRng),
                demonstrations(sftEvalFacts, preset.sftEval(), demonstrator, sftRng),
                prompts, heldOutQuestions,
                pairs(prompts, pool, labeler, pairRng), pairs(heldOutQuestions, heldOutFacts, labeler, pairRng),
                judge, labeler);
    }

    /** The facts of the world: each person's in the order of {@link #people()}, then the sums. */
    public List<Fact> facts() {
        return facts(people, sums);
    }

    /**
     * Writes the world's files into {@code dir} (created if missing), each to a temporary name first and renamed
     * when complete: {@value #CORPUS_FILE}, {@value #SFT_TRAIN_FILE}, {@value #SFT_EVAL_FILE},
     * {@value #PROMPTS_FILE}, {@value #QUESTIONS_FILE}, {@value #PREFERENCES_TRAIN_FILE},
     * {@value #PREFERENCES_EVAL_FILE}. The bytes depend only on the seed and the preset.
     */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        WorldFiles.writeAtomically(dir.resolve(CORPUS_FILE), WorldFiles.corpus(corpus));
        WorldFiles.writeAtomically(dir.resolve(SFT_TRAIN_FILE), WorldFiles.conversations(sftTrain));
        WorldFiles.writeAtomically(dir.resolve(SFT_EVAL_FILE), WorldFiles.conversations(sftEval));
        WorldFiles.writeAtomically(dir.resolve(PROMPTS_FILE), WorldFiles.questions(preferencePrompts));
        WorldFiles.writeAtomically(dir.resolve(QUESTIONS_FILE), WorldFiles.questions(heldOutQuestions));
        WorldFiles.writeAtomically(dir.resolve(PREFERENCES_TRAIN_FILE), WorldFiles.preferences(preferenceTrain));
        WorldFiles.writeAtomically(dir.resolve(PREFERENCES_EVAL_FILE), WorldFiles.preferences(preferenceEval));
    }

    /** {@code n} demonstrations, each about a fact drawn from {@code facts} in one of the SFT phrasings. */
    private static List<Conversation> demonstrations(List<Fact> facts, int n, Demonstrator demonstrator,
                                                     SplittableRandom rng) {
        List<Conversation> demos = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Question q = Labeler.pick(facts, rng).question(rng.nextInt(SFT_PHRASINGS));
            demos.add(Conversation.of(Turn.user(q.prompt()), Turn.assistant(demonstrator.reply(q, rng))));
        }
        return demos;
    }

    /** Up to {@code n} distinct questions about {@code facts}, in every phrasing, in shuffled order. */
    private static List<Question> questions(List<Fact> facts, int n, SplittableRandom rng) {
        List<Question> all = new ArrayList<>();
        for (Fact f : facts) {
            for (int p = 0; p < f.relation().phrasings(); p++) {
                all.add(f.question(p));
            }
        }
        List<Question> drawn = shuffled(all, rng);
        return drawn.subList(0, Math.min(n, drawn.size()));
    }

    /**
     * The labeler's pairs over synthesised candidates for each question, the wrong answer about another subject drawn
     * from {@code facts}.
     */
    private static List<PreferencePair> pairs(List<Question> questions, List<Fact> facts, Labeler labeler,
                                              SplittableRandom rng) {
        List<PreferencePair> pairs = new ArrayList<>();
        for (Question q : questions) {
            pairs.addAll(labeler.pairs(q.prompt(), labeler.candidates(q, facts, rng)));
        }
        return pairs;
    }

    private static List<Fact> facts(List<Person> people, List<Fact> sums) {
        List<Fact> facts = new ArrayList<>();
        people.forEach(p -> facts.addAll(p.facts()));
        facts.addAll(sums);
        return List.copyOf(facts);
    }

    /** A copy of {@code items} in an order drawn from {@code rng} (Fisher-Yates). */
    static <T> List<T> shuffled(List<T> items, SplittableRandom rng) {
        List<T> copy = new ArrayList<>(items);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            copy.set(j, copy.set(i, copy.get(j)));
        }
        return copy;
    }
}
