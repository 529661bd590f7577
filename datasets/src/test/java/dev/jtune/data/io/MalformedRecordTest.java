package dev.jtune.data.io;

import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.MalformedRecordException;
import dev.jtune.data.Problem;
import dev.jtune.data.ReadResult;
import dev.jtune.data.SftRecord;
import dev.jtune.data.TextDocument;
import dev.jtune.data.preference.PreferenceFormat;
import dev.jtune.data.preference.PreferenceReader;
import dev.jtune.data.sft.SftFormat;
import dev.jtune.data.sft.SftReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of malformed record fails with its file, line (and index in arrays) and reason, or is skipped. */
class MalformedRecordTest {

    private static final String GOOD = "{\"instruction\": \"I\", \"input\": \"\", \"output\": \"O\"}";

    @TempDir
    Path dir;

    private MalformedRecordException sftFailure(String name, String text) throws IOException {
        Path file = Files.writeString(dir.resolve(name), text);
        return assertThrows(MalformedRecordException.class, () -> new SftReader().readAll(file));
    }

    private static void assertMessage(MalformedRecordException e, Problem problem, String... parts) {
        assertEquals(problem, e.problem(), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
        }
    }

    @Test
    void aJsonlLineThatIsNotJsonNamesItsLine() throws IOException {
        MalformedRecordException e = sftFailure("bad.jsonl", GOOD + "\n\n{\"instruction\": \"I\", \"output\": }\n");
        assertMessage(e, Problem.NOT_JSON, "bad.jsonl:3: not JSON");
        assertEquals(3, e.line());
        assertEquals(-1, e.index());
    }

    @Test
    void aMissingFieldInAnArrayNamesTheIndexAndTheLine() throws IOException {
        MalformedRecordException e = sftFailure("missing.json", "[\n  " + GOOD + ",\n  {\"instruction\": \"I\",\n"
                + "   \"input\": \"\"}\n]");
        assertMessage(e, Problem.MISSING_FIELD, "missing.json:3 (record $[1]): missing field 'output'");
        assertEquals(1, e.index());
    }

    @Test
    void aFieldOfTheWrongType() throws IOException {
        MalformedRecordException e = sftFailure("type.jsonl", "{\"instruction\": \"I\", \"output\": 42}\n");
        assertMessage(e, Problem.WRONG_TYPE, "type.jsonl:1", "field 'output' must be a string, got number");
    }

    @Test
    void anEmptyField() throws IOException {
        MalformedRecordException e = sftFailure("empty.jsonl", GOOD + "\n{\"instruction\": \" \", \"output\": \"O\"}");
        assertMessage(e, Problem.EMPTY, "empty.jsonl:2", "field 'instruction' is empty");
    }

    @Test
    void anArrayElementThatIsNotAnObject() throws IOException {
        MalformedRecordException e = sftFailure("scalar.json", "[" + GOOD + ", 7]");
        assertMessage(e, Problem.NOT_AN_OBJECT, "scalar.json:1 (record $[1]): not a JSON object but number");
    }

    @Test
    void aRecordOfNoKnownFormat() throws IOException {
        MalformedRecordException e = sftFailure("odd.jsonl", "{\"question\": \"Q\"}");
        assertMessage(e, Problem.UNKNOWN_FORMAT, "odd.jsonl:1", "[question]");
    }

    @Test
    void aChatMessageWithAnUnknownRoleOrNoContent() throws IOException {
        MalformedRecordException role = sftFailure("role.jsonl",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"U\"}, {\"role\": \"tool\", \"content\": \"x\"}]}");
        assertMessage(role, Problem.INVALID, "role.jsonl:1", "messages[1]", "unknown role 'tool'");
        MalformedRecordException content = sftFailure("content.jsonl",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"U\"}, {\"from\": \"gpt\"}]}");
        assertMessage(content, Problem.MISSING_FIELD, "conversations[1]", "missing field 'value'");
    }

    @Test
    void anExplicitFormatReportsTheFieldsItLacks() throws IOException {
        Path file = Files.writeString(dir.resolve("dolly.jsonl"), GOOD);
        MalformedRecordException e = assertThrows(MalformedRecordException.class,
                () -> new SftReader(SftFormat.DOLLY, ErrorPolicy.FAIL, null).readAll(file));
        assertMessage(e, Problem.MISSING_FIELD, "dolly.jsonl:1", "missing field 'response'");
    }

    @Test
    void aBrokenArrayFailsEvenWhenSkipping() throws IOException {
        Path file = Files.writeString(dir.resolve("cut.json"), "[\n" + GOOD + ",\n{\"instruction\": \"I\"");
        MalformedRecordException e = assertThrows(MalformedRecordException.class,
                () -> new SftReader(SftFormat.AUTO, ErrorPolicy.SKIP, null).readAll(file));
        assertMessage(e, Problem.NOT_JSON, "cut.json:3", "end of file inside the JSON array", "$[1]");
        Path notArray = Files.writeString(dir.resolve("object.json"), GOOD);
        assertMessage(assertThrows(MalformedRecordException.class, () -> new SftReader().readAll(notArray)),
                Problem.NOT_JSON, "object.json:1: not a JSON array: expected a JSON array starting with '['");
    }

    @Test
    void preferenceRecordsWithoutASharedPromptOrEnoughResponses() throws IOException {
        Path file = Files.writeString(dir.resolve("pref.jsonl"), """
                {"chosen": "\\n\\nHuman: a\\n\\nAssistant: b", "rejected": "\\n\\nHuman: c\\n\\nAssistant: d"}
                {"prompt": "P", "responses": ["only"]}
                {"prompt": "P", "chosen": "x", "rejected": 3}
                {"question": "Q", "response_j": "J"}
                """);
        PreferenceReader skipping = new PreferenceReader(PreferenceFormat.AUTO, ErrorPolicy.SKIP);
        var report = skipping.readAll(file).report();
        assertEquals(0, report.records());
        assertEquals(4, report.skipped());
        assertEquals(Map.of(Problem.INVALID, 2L, Problem.WRONG_TYPE, 1L, Problem.MISSING_FIELD, 1L),
                report.byProblem());
        assertTrue(report.examples().get(0).startsWith(file + ":1: 'chosen' and 'rejected' share no prompt"),
                report.examples().get(0));
        assertTrue(report.examples().get(3).contains("pref.jsonl:4"), report.examples().get(3));
    }

    @Test
    void skippingCountsEachProblemAndKeepsTheGoodRecords() throws IOException {
        Path file = dir.resolve("mixed.jsonl.gz");
        String text = String.join("\n", GOOD, "not json", "[1]", "{\"instruction\": \"I\"}", GOOD,
                "{\"instruction\": \"I\", \"output\": \"\"}", "{\"text\": \"T\"}") + "\n";
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        ReadResult<SftRecord> result = new SftReader(SftFormat.AUTO, ErrorPolicy.SKIP, null).readAll(file);
        assertEquals(3, result.records().size());
        assertEquals(new TextDocument("T"), result.records().get(2));
        assertEquals(3, result.report().records());
        assertEquals(4, result.report().skipped());
        assertEquals(Map.of(Problem.NOT_JSON, 1L, Problem.NOT_AN_OBJECT, 1L, Problem.MISSING_FIELD, 1L,
                Problem.EMPTY, 1L), result.report().byProblem());
        assertEquals(4, result.report().examples().size());
        assertTrue(result.report().examples().get(0).contains("mixed.jsonl.gz:2"));
        assertTrue(result.report().summary().contains("4 skipped"));
    }

    @Test
    void unknownExtensionsAreRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("data.csv"), "a,b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SftReader().readAll(file));
        assertTrue(e.getMessage().contains("data.csv"));
    }
}
