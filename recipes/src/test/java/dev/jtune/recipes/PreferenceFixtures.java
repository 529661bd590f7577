package dev.jtune.recipes;

import com.google.gson.Gson;
import dev.jtune.testing.Fixtures;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/** Preference data for recipe tests, and a way to run a command and keep what it prints. */
final class PreferenceFixtures {

    static final String MODEL = "weights/stories260K-hf";
    static final String HH = "data/preference/hh-rlhf-harmless-base-test/test_part1.jsonl.gz";
    static final String STORIES = "data/tinystories/tinystories_valid_head_part1.txt";

    private PreferenceFixtures() {
    }

    /** The first {@code n} hh-rlhf records, as a plain jsonl file. */
    static Path hhHead(Path dir, int n) throws IOException {
        Path out = dir.resolve("hh-head.jsonl");
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(Fixtures.path(HH))), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null && lines.size() < n; line = r.readLine()) {
                lines.add(line);
            }
        }
        Files.write(out, lines);
        return out;
    }

    /**
     * A preference set a tiny model can learn: TinyStories sentences of 6 to 12 words, the sentence itself
     * preferred over the same words in a shuffled order, after one fixed prompt. Writes {@code train.jsonl} and
     * {@code eval.jsonl} (explicit prompt/chosen/rejected records) and returns the directory.
     */
    static Path shuffledSentences(Path dir, int train, int eval) throws IOException {
        String text = Files.readString(Fixtures.path(STORIES));
        List<String> sentences = new ArrayList<>();
        for (String s : text.split("(?<=[.!?])\\s+")) {
            String sentence = s.strip();
            int words = sentence.split("\\s+").length;
            if (words >= 6 && words <= 12 && !sentence.contains("\"") && sentence.endsWith(".")) {
                sentences.add(sentence);
            }
        }
        Random random = new Random(7);
        Collections.shuffle(sentences, random);
        Gson gson = new Gson();
        List<String> lines = new ArrayList<>();
        for (String sentence : sentences.subList(0, train + eval)) {
            List<String> words = new ArrayList<>(List.of(sentence.substring(0, sentence.length() - 1).split("\\s+")));
            List<String> mixed = new ArrayList<>(words);
            while (mixed.equals(words)) {
                Collections.shuffle(mixed, random);
            }
            Map<String, Object> record = new LinkedHashMap<>();
            // a system turn replaces alpaca's long preamble, keeping rows short
            record.put("prompt", List.of(Map.of("role", "system", "content", "Story."),
                    Map.of("role", "user", "content", "One sentence.")));
            record.put("chosen", sentence);
            record.put("rejected", String.join(" ", mixed) + ".");
            lines.add(gson.toJson(record));
        }
        Files.write(dir.resolve("train.jsonl"), lines.subList(0, train));
        Files.write(dir.resolve("eval.jsonl"), lines.subList(train, train + eval));
        return dir;
    }

    /** Runs {@code jtune args...}, asserting exit code 0, and returns what it printed on stdout. */
    static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = Main.run(args);
        } finally {
            System.setOut(old);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        old.print(text);
        if (code != 0) {
            throw new AssertionError(String.join(" ", args) + " exited with " + code + "\n" + text);
        }
        return text;
    }

    /** The value of a {@code name: value} line that {@code eval} printed. */
    static double metric(String printed, String name) {
        for (String line : printed.split("\n")) {
            if (line.startsWith(name + ": ")) {
                return Double.parseDouble(line.substring(name.length() + 2).strip());
            }
        }
        throw new AssertionError("no '" + name + "' in:\n" + printed);
    }

    /** The last line of metrics.jsonl as a map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> lastMetrics(Path runDir) throws IOException {
        List<String> lines = Files.readAllLines(runDir.resolve("metrics.jsonl"));
        return new Gson().fromJson(lines.get(lines.size() - 1), Map.class);
    }
}
