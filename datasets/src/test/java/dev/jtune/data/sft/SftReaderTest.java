package dev.jtune.data.sft;

import dev.jtune.data.Conversation;
import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.PromptCompletion;
import dev.jtune.data.ReadResult;
import dev.jtune.data.SftRecord;
import dev.jtune.data.TextDocument;
import dev.jtune.data.Turn;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SftReaderTest {

    @TempDir
    Path dir;

    private static ReadResult<SftRecord> read(String fixture) throws IOException {
        return new SftReader().readAll(Fixtures.path(fixture));
    }

    @Test
    void alpacaTinyGivesOneUserTurnAndTheReplyPerRecord() throws IOException {
        ReadResult<SftRecord> result = read("data/sft/alpaca_tiny/alpaca_tiny_part1.json");
        assertEquals(85, result.records().size());
        assertEquals(0, result.report().skipped());
        Conversation first = assertInstanceOf(Conversation.class, result.records().get(0));
        assertEquals(Turn.user("Give three tips for staying healthy."), first.turns().get(0));
        assertTrue(first.turns().get(1).content().startsWith("1.Eat a balanced diet"));
        assertEquals(2, first.turns().size());
    }

    @Test
    void alpacaInputFollowsTheInstructionAfterABlankLine() throws IOException {
        List<SftRecord> records = read("data/sft/alpaca_en_demo/alpaca_en_demo_part1.json").records();
        assertEquals(849, records.size());
        Path file = write("one.json", """
                [{"instruction": "Translate.", "input": "Bonjour", "output": "Hello"},
                 {"instruction": "Say hi.", "input": "", "output": "Hi", "system": "Be brief."}]""");
        List<SftRecord> two = new SftReader().readAll(file).records();
        assertEquals(Conversation.of(Turn.user("Translate.\n\nBonjour"), Turn.assistant("Hello")), two.get(0));
        assertEquals(Conversation.of(Turn.system("Be brief."), Turn.user("Say hi."), Turn.assistant("Hi")), two.get(1));
    }

    @Test
    void dollyContextIsTheInput() throws IOException {
        List<SftRecord> records = read("data/sft/dolly_litgpt_fixture/dolly_part1.json").records();
        assertEquals(10, records.size());
        Conversation first = assertInstanceOf(Conversation.class, records.get(0));
        assertTrue(first.turns().get(0).content().startsWith("When did Virgin Australia start operating?\n\nVirgin"));
        assertEquals(2, first.turns().size());
    }

    @Test
    void promptAnswerRecordsAreUsedVerbatim() throws IOException {
        List<SftRecord> records = read("data/sft/dolly_triforce_prompt_answer/dolly_part1.jsonl").records();
        assertEquals(128, records.size());
        PromptCompletion first = assertInstanceOf(PromptCompletion.class, records.get(0));
        assertTrue(first.prompt().startsWith("Below is an instruction"));
        assertTrue(first.prompt().endsWith("### Response:"));
        assertTrue(first.completion().startsWith("The American Film Institute"));
    }

    @Test
    void chatShareGptAndCompletionSpellingsAreRecognised() throws IOException {
        Path file = write("mixed.jsonl", """
                {"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}, \
                {"role": "assistant", "content": "A"}]}
                {"conversations": [{"from": "human", "value": "U"}, {"from": "gpt", "value": "A"}], "system": "S"}

                {"prompt": "P", "completion": "C"}
                {"prompt": "P", "response": "R"}
                {"text": "T"}
                """);
        List<SftRecord> records = new SftReader().readAll(file).records();
        Conversation chat = Conversation.of(Turn.system("S"), Turn.user("U"), Turn.assistant("A"));
        assertEquals(List.of(chat, chat, new PromptCompletion("P", "C"), new PromptCompletion("P", "R"),
                new TextDocument("T")), records);
    }

    @Test
    void anExplicitFormatIgnoresOtherFields() throws IOException {
        Path file = write("text.json", "[{\"instruction\": \"I\", \"input\": \"\", \"output\": \"O\", \"text\": \"T\"}]");
        List<SftRecord> records = new SftReader(SftFormat.TEXT, ErrorPolicy.FAIL, null).readAll(file).records();
        assertEquals(List.of(new TextDocument("T")), records);
    }

    @Test
    void textFilesSplitAtBlankLinesOrAtAGivenSeparator() throws IOException {
        Path file = write("docs.txt", "one\nline two\n\n\n  \nthree\n<|end|>\nfour\n\nfive<|end|>six\n");
        List<SftRecord> byBlank = new SftReader().readAll(file).records();
        assertEquals(List.of(new TextDocument("one\nline two"), new TextDocument("three\n<|end|>\nfour"),
                new TextDocument("five<|end|>six")), byBlank);
        List<SftRecord> bySeparator = new SftReader(SftFormat.AUTO, ErrorPolicy.FAIL, "<|end|>").readAll(file)
                .records();
        assertEquals(List.of(new TextDocument("one\nline two\n\n\n  \nthree"), new TextDocument("four\n\nfive"),
                new TextDocument("six")), bySeparator);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
