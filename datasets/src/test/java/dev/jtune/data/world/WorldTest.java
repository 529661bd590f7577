package dev.jtune.data.world;

import dev.jtune.data.Conversation;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.PromptCompletion;
import dev.jtune.data.Role;
import dev.jtune.data.SftRecord;
import dev.jtune.data.TextDocument;
import dev.jtune.data.Turn;
import dev.jtune.data.io.DocumentReader;
import dev.jtune.data.preference.PreferenceReader;
import dev.jtune.data.sft.SftReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorldTest {

    private static final List<String> FILES = List.of(World.CORPUS_FILE, World.SFT_TRAIN_FILE, World.SFT_EVAL_FILE,
            World.PROMPTS_FILE, World.QUESTIONS_FILE, World.PREFERENCES_TRAIN_FILE, World.PREFERENCES_EVAL_FILE);

    private static final List<String> MARKERS =
            Stream.concat(Lexicon.EVASION_MARKERS.stream(), Lexicon.RUDE_MARKERS.stream()).toList();

    @TempDir
    Path dir;

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedOtherBytes() throws IOException {
        World.generate(42, Preset.SMOKE).write(dir.resolve("a"));
        World.generate(42, Preset.SMOKE).write(dir.resolve("b"));
        World.generate(43, Preset.SMOKE).write(dir.resolve("c"));
        for (String f : FILES) {
            byte[] a = Files.readAllBytes(dir.resolve("a").resolve(f));
            assertArrayEquals(a, Files.readAllBytes(dir.resolve("b").resolve(f)), f);
            assertFalse(Arrays.equals(a, Files.readAllBytes(dir.resolve("c").resolve(f))), f);
        }
        try (Stream<Path> left = Files.list(dir.resolve("a"))) {
            assertEquals(Set.copyOf(FILES), left.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                    "no temporary files left behind");
        }
    }

    @ParameterizedTest
    @EnumSource(Preset.class)
    void sizesStayWithinThePreset(Preset preset) throws IOException {
        World w = World.generate(1, preset);
        w.write(dir);
        long corpusBytes = Files.size(dir.resolve(World.CORPUS_FILE));
        long total = 0;
        for (String f : FILES) {
            total += Files.size(dir.resolve(f));
        }
        System.out.printf(Locale.ROOT, "%s: corpus %d bytes in %d documents, %d files %d bytes; %d people, %d sums,"
                        + " %d unfamiliar subjects; sft %d train / %d eval; %d preference prompts -> %d pairs;"
                        + " %d held-out questions -> %d pairs%n",
                preset, corpusBytes, w.corpus().size(), FILES.size(), total, w.people().size(), w.sums().size(),
                w.unfamiliarSubjects().size(), w.sftTrain().size(), w.sftEval().size(), w.preferencePrompts().size(),
                w.preferenceTrain().size(), w.heldOutQuestions().size(), w.preferenceEval().size());
        assertTrue(corpusBytes >= preset.corpusBytes() && corpusBytes < preset.corpusBytes() + 2_000, "" + corpusBytes);
        assertTrue(total < 4_000_000, "a few MB at most: " + total);
        assertEquals(preset.people(), w.people().size());
        assertEquals(preset.maxOperand() * preset.maxOperand(), w.sums().size());
        assertEquals(preset.sftTrain(), w.sftTrain().size());
        assertEquals(preset.sftEval(), w.sftEval().size());
        assertEquals(preset.preferencePrompts(), w.preferencePrompts().size());
        assertEquals(preset.heldOutQuestions(), w.heldOutQuestions().size());
        assertEquals(10 * w.preferencePrompts().size(), w.preferenceTrain().size());
        assertEquals(10 * w.heldOutQuestions().size(), w.preferenceEval().size());
    }

    @ParameterizedTest
    @EnumSource(Preset.class)
    void demonstrationsAreInAssistantFormAndAsRightAsTheDemonstrator(Preset preset) {
        World w = World.generate(2, preset);
        Judge judge = w.judge();
        Set<String> unfamiliar = Set.copyOf(w.unfamiliarSubjects());
        int[] correct = new int[2];
        int[] evasive = new int[2];
        int[] asked = new int[2];
        int wrong = 0;
        for (Conversation c : w.sftTrain()) {
            assertEquals(List.of(Role.USER, Role.ASSISTANT), c.turns().stream().map(Turn::role).toList());
            String q = c.turns().get(0).content();
            String reply = c.turns().get(1).content();
            assertTrue(judge.isAssistantForm(q, reply), q + " -> " + reply);
            Grade g = judge.grade(q, reply);
            assertTrue(g == Grade.CORRECT || g == Grade.WRONG || g == Grade.EVASIVE, g + ": " + reply);
            int k = unfamiliar.contains(judge.factOf(q).subject()) ? 1 : 0;
            asked[k]++;
            correct[k] += g == Grade.CORRECT ? 1 : 0;
            evasive[k] += g == Grade.EVASIVE ? 1 : 0;
            wrong += g == Grade.WRONG ? 1 : 0;
        }
        double n = w.sftTrain().size();
        System.out.printf(Locale.ROOT, "%s SFT demos: familiar %d (%.2f correct, %.2f evasive), unfamiliar %d"
                        + " (%.2f correct, %.2f evasive), %.3f wrong overall%n", preset,
                asked[0], correct[0] / (double) asked[0], evasive[0] / (double) asked[0],
                asked[1], correct[1] / (double) asked[1], evasive[1] / (double) asked[1], wrong / n);
        double familiarRight = (1 - Demonstrator.EVADE_FAMILIAR) * (1 - Demonstrator.WRONG);
        double unfamiliarRight = (1 - Demonstrator.EVADE_UNFAMILIAR) * (1 - Demonstrator.WRONG);
        assertTrue(asked[1] > 0.15 * n, "unfamiliar subjects are asked about: " + asked[1]);
        assertEquals(familiarRight, correct[0] / (double) asked[0], 0.06);
        assertEquals(unfamiliarRight, correct[1] / (double) asked[1], 0.12);
        assertEquals(Demonstrator.EVADE_UNFAMILIAR, evasive[1] / (double) asked[1], 0.12);
        assertTrue(wrong > 0, "some demonstrations are wrong");
    }

    @ParameterizedTest
    @EnumSource(Preset.class)
    void heldOutQuestionsAreAnsweredInTheCorpusButNeverInSft(Preset preset) {
        World w = World.generate(3, preset);
        Set<String> sentences = new HashSet<>();
        for (TextDocument d : w.corpus()) {
            for (String line : d.text().split("\n")) {
                for (String s : line.split("(?<=\\.) ")) {
                    sentences.add(s);
                }
            }
        }
        Set<Fact> taught = new HashSet<>();
        Stream.concat(w.sftTrain().stream(), w.sftEval().stream())
                .forEach(c -> taught.add(w.judge().factOf(c.turns().get(0).content())));
        w.preferencePrompts().forEach(q -> taught.add(q.fact()));
        Set<Integer> phrasings = new HashSet<>();
        for (Question q : w.heldOutQuestions()) {
            assertEquals(q.fact(), w.judge().factOf(q.prompt()));
            assertTrue(sentences.contains(q.answer()), "the corpus states " + q.answer());
            assertFalse(taught.contains(q.fact()), "held out: " + q.fact());
            assertTrue(w.judge().isCorrect(q.prompt(), q.answer()));
            assertEquals(Grade.CORRECT, w.judge().grade(q.prompt(), q.answer()));
            phrasings.add(phrasingOf(q));
        }
        assertEquals(3, phrasings.size(), "every phrasing is asked");
        for (Fact f : w.facts()) {
            assertTrue(sentences.contains(f.sentence()), "the corpus states " + f.sentence());
        }
    }

    @ParameterizedTest
    @EnumSource(Preset.class)
    void preferencePairsNeverStateAFactOfTheOtherSplit(Preset preset) {
        World w = World.generate(7, preset);
        Set<String> heldOut = w.heldOutQuestions().stream().map(Question::answer).collect(Collectors.toSet());
        Set<String> training = w.preferencePrompts().stream().map(Question::answer).collect(Collectors.toSet());
        for (PreferencePair p : w.preferenceTrain()) {
            for (String s : heldOut) {
                assertFalse(p.chosen().contains(s) || p.rejected().contains(s), "a held-out fact in training: " + p);
            }
        }
        for (PreferencePair p : w.preferenceEval()) {
            for (String s : training) {
                assertFalse(p.chosen().contains(s) || p.rejected().contains(s), "a training fact held out: " + p);
            }
        }
        long otherSubject = w.preferenceEval().stream()
                .filter(p -> w.judge().grade(p.prompt().get(0).content(), p.rejected()) == Grade.WRONG
                        && heldOut.contains(p.rejected()) && !p.chosen().contains(p.rejected()))
                .count();
        assertTrue(otherSubject > 0, "some held-out wrong answers are about another held-out subject");
    }

    private static int phrasingOf(Question q) {
        Relation r = q.fact().relation();
        for (int p = 0; p < r.phrasings(); p++) {
            if (r.question(p, q.fact().subject()).equals(q.prompt())) {
                return p;
            }
        }
        throw new AssertionError("no phrasing of " + r + " reads " + q.prompt());
    }

    @Test
    void theCorpusNeverRepliesLikeAnAssistant() {
        World w = World.generate(4, Preset.SMOKE);
        Set<String> answers = new HashSet<>();
        w.facts().forEach(f -> answers.add(f.sentence()));
        for (TextDocument d : w.corpus()) {
            String text = d.text();
            for (String line : text.split("\n")) {
                assertFalse(answers.contains(line.strip()), "a lone answer sentence: " + line);
            }
            assertFalse(text.isBlank());
            assertFalse(text.contains("\n\n"), "no blank line inside a document");
            long sentences = text.chars().filter(ch -> ch == '.' || ch == '?' || ch == ':').count();
            assertTrue(sentences >= 3, "at least three sentences or lines: " + text);
            String lower = text.toLowerCase(Locale.ROOT);
            for (String marker : MARKERS) {
                assertFalse(lower.matches("(?s).*\\b" + marker + "\\b.*"), marker + " in " + text);
            }
        }
    }

    @Test
    void theFilesReadBackThroughTheModulesReaders() throws IOException {
        World w = World.generate(5, Preset.SMOKE);
        w.write(dir);
        assertEquals(w.corpus(), new DocumentReader().readAll(dir.resolve(World.CORPUS_FILE)).records());
        List<SftRecord> train = new SftReader().readAll(dir.resolve(World.SFT_TRAIN_FILE)).records();
        assertEquals(w.sftTrain(), train);
        assertEquals(w.sftEval(), new SftReader().readAll(dir.resolve(World.SFT_EVAL_FILE)).records());
        List<SftRecord> questions = new SftReader().readAll(dir.resolve(World.QUESTIONS_FILE)).records();
        assertEquals(w.heldOutQuestions().stream().map(q -> new PromptCompletion(q.prompt(), q.answer())).toList(),
                questions);
        assertEquals(w.preferencePrompts().size(),
                new SftReader().readAll(dir.resolve(World.PROMPTS_FILE)).records().size());
        assertEquals(w.preferenceTrain(),
                new PreferenceReader().readAll(dir.resolve(World.PREFERENCES_TRAIN_FILE)).records());
        assertEquals(w.preferenceEval(),
                new PreferenceReader().readAll(dir.resolve(World.PREFERENCES_EVAL_FILE)).records());
    }
}
