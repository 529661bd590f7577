package dev.jtune.data.preference;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.ReadResult;
import dev.jtune.data.Role;
import dev.jtune.data.Turn;
import dev.jtune.data.io.DataFiles;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreferenceReaderTest {

    @TempDir
    Path dir;

    @Test
    void everyHhRlhfRecordSplitsIntoASharedPromptAndTwoFinalReplies() throws IOException {
        Path file = Fixtures.path("data/preference/hh-rlhf-harmless-base-test/test_part1.jsonl.gz");
        ReadResult<PreferencePair> result = new PreferenceReader().readAll(file);
        assertEquals(1965, result.records().size());
        assertEquals(0, result.report().skipped());

        List<JsonObject> raw = new ArrayList<>();
        try (BufferedReader in = DataFiles.open(file)) {
            in.lines().forEach(line -> raw.add(JsonParser.parseString(line).getAsJsonObject()));
        }
        assertEquals(raw.size(), result.records().size());
        for (int i = 0; i < raw.size(); i++) {
            String chosen = raw.get(i).get("chosen").getAsString();
            String rejected = raw.get(i).get("rejected").getAsString();
            PreferencePair pair = result.records().get(i);
            String where = "record " + i;
            int chosenAt = chosen.lastIndexOf(pair.chosen());
            int rejectedAt = rejected.lastIndexOf(pair.rejected());
            assertTrue(chosen.substring(chosenAt + pair.chosen().length()).isBlank(), where);
            assertTrue(rejected.substring(rejectedAt + pair.rejected().length()).isBlank(), where);
            String chosenPrompt = chosen.substring(0, chosenAt);
            String rejectedPrompt = rejected.substring(0, rejectedAt);
            assertEquals(chosenPrompt.strip(), rejectedPrompt.strip(), where);
            assertTrue(chosenPrompt.stripTrailing().endsWith("\n\nAssistant:"), where);
            assertEquals(Role.USER, pair.prompt().get(0).role(), where);
            assertEquals(Role.USER, pair.prompt().get(pair.prompt().size() - 1).role(), where);
            for (int t = 0; t < pair.prompt().size(); t++) {
                assertEquals(t % 2 == 0 ? Role.USER : Role.ASSISTANT, pair.prompt().get(t).role(), where);
            }
        }
    }

    @Test
    void hhRepliesThatContainTheAssistantMarkerStayWhole() {
        String prompt = "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Key?\n\nAssistant:";
        PreferencePair pair = HhTranscript.pair(prompt + " Here:\n\nAssistant: more", prompt + " No.");
        assertEquals(List.of(Turn.user("Hi"), Turn.assistant("Hello"), Turn.user("Key?")), pair.prompt());
        assertEquals("Here:\n\nAssistant: more", pair.chosen());
        assertEquals("No.", pair.rejected());
    }

    @Test
    void dpoEnDemoGivesShareGptPairs() throws IOException {
        List<PreferencePair> pairs = new PreferenceReader()
                .readAll(Fixtures.path("data/preference/dpo_en_demo/dpo_en_demo_part1.json")).records();
        assertEquals(255, pairs.size());
        PreferencePair first = pairs.get(0);
        assertEquals(1, first.prompt().size());
        assertTrue(first.prompt().get(0).content().startsWith("Hi! I'd like to create a new language game"));
        assertTrue(first.chosen().startsWith("That sounds like a fun and engaging idea!"));
        assertTrue(pairs.stream().allMatch(p -> p.prompt().get(p.prompt().size() - 1).role() == Role.USER));
        assertTrue(pairs.stream().anyMatch(p -> p.prompt().get(0).role() == Role.SYSTEM));
    }

    @Test
    void stackExchangePrefersResponseJ() throws IOException {
        List<PreferencePair> pairs = new PreferenceReader()
                .readAll(Fixtures.path("data/preference/stack_exchange_paired_tiny/sep_part1.json")).records();
        assertEquals(20, pairs.size());
        assertTrue(pairs.get(0).prompt().get(0).content().startsWith("I'm writing a code using Java Swing"));
        assertTrue(pairs.stream().allMatch(p -> p.prompt().size() == 1 && p.margin() == 0.0));
    }

    @Test
    void explicitRankedAndImplicitMessageRecords() throws IOException {
        Path file = Files.writeString(dir.resolve("p.jsonl"), """
                {"prompt": "Q", "chosen": "good", "rejected": "bad", "margin": 1.5}
                {"prompt": [{"role": "user", "content": "Q"}], "chosen": [{"role": "assistant", "content": "good"}], \
                "rejected": [{"role": "assistant", "content": "bad"}]}
                {"chosen": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "good"}], \
                "rejected": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "bad"}]}
                {"prompt": "R", "responses": ["a", "b", "c", "d"]}
                """);
        List<PreferencePair> pairs = new PreferenceReader().readAll(file).records();
        List<Turn> q = List.of(Turn.user("Q"));
        List<Turn> r = List.of(Turn.user("R"));
        assertEquals(List.of(new PreferencePair(q, "good", "bad", 1.5), new PreferencePair(q, "good", "bad"),
                new PreferencePair(q, "good", "bad"),
                new PreferencePair(r, "a", "b"), new PreferencePair(r, "a", "c"), new PreferencePair(r, "a", "d"),
                new PreferencePair(r, "b", "c"), new PreferencePair(r, "b", "d"), new PreferencePair(r, "c", "d")),
                pairs);
    }
}
