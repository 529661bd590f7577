package dev.jtune.data.sft;

import dev.jtune.data.CharTokenizer;
import dev.jtune.data.Conversation;
import dev.jtune.data.PromptCompletion;
import dev.jtune.data.Role;
import dev.jtune.data.SftRecord;
import dev.jtune.data.TextDocument;
import dev.jtune.data.Turn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.jtune.data.sft.SftExample.IGNORE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SftExampleBuilderTest {

    /** A toy template: "S..|" for system, "U..|" for user, then "A" and the reply ending with "$" for assistant. */
    static final ChatRenderer TEMPLATE = conversation -> {
        List<Segment> out = new ArrayList<>();
        for (Turn t : conversation.turns()) {
            switch (t.role()) {
                case SYSTEM -> out.add(Segment.prompt("S" + t.content() + "|"));
                case USER -> out.add(Segment.prompt("U" + t.content() + "|"));
                case ASSISTANT -> {
                    out.add(Segment.prompt("A"));
                    out.add(Segment.trained(t.content() + "$"));
                }
            }
        }
        return out;
    };

    private final CharTokenizer tokenizer = new CharTokenizer();

    private static int[] chars(String s) {
        return s.chars().toArray();
    }

    /** The toy template's text has no BOS, so the builder puts the tokenizer's BOS (id 1, "\u0001") first. */
    private static final String BOS = "\u0001";

    private static int[] labels(String masked, String trained) {
        int[] out = new int[masked.length() + trained.length()];
        Arrays.fill(out, 0, masked.length(), IGNORE);
        System.arraycopy(chars(trained), 0, out, masked.length(), trained.length());
        return out;
    }

    private SftExample encode(SftRecord record, boolean trainOnPrompt) {
        return new SftExampleBuilder(tokenizer, TEMPLATE, new SftOptions(64, trainOnPrompt)).encode(record);
    }

    @Test
    void onlyTheAssistantContentAndItsEndOfTurnAreLabelled() {
        SftExample e = encode(Conversation.of(Turn.user("hi"), Turn.assistant("yo")), false);
        assertArrayEquals(chars(BOS + "Uhi|Ayo$"), e.inputIds());
        assertArrayEquals(labels(BOS + "Uhi|A", "yo$"), e.labels());
        assertEquals(3, e.trainedTokens());
    }

    @Test
    void noLabelLandsOnAPromptTokenInAMultiTurnChat() {
        Conversation chat = Conversation.of(Turn.system("be"), Turn.user("a"), Turn.assistant("bc"), Turn.user("d"),
                Turn.assistant("ef"));
        SftExample e = encode(chat, false);
        String text = BOS + "Sbe|Ua|Abc$Ud|Aef$";
        assertArrayEquals(chars(text), e.inputIds());
        int[] expected = new int[text.length()];
        Arrays.fill(expected, IGNORE);
        for (int t : new int[] {9, 10, 11, 16, 17, 18}) {
            expected[t] = text.charAt(t);
        }
        assertArrayEquals(expected, e.labels());
        assertEquals(Role.ASSISTANT, chat.turns().get(4).role());
    }

    @Test
    void aTemplateThatWritesBosGetsNoSecondOneAndOneWithoutEndOfTurnGetsEos() {
        ChatRenderer withBos = c -> List.of(Segment.prompt(BOS + "U" + c.turns().get(0).content() + "|A"),
                Segment.trained(c.turns().get(1).content()));
        SftExample e = new SftExampleBuilder(tokenizer, withBos, new SftOptions(64, false))
                .encode(Conversation.of(Turn.user("hi"), Turn.assistant("yo")));
        assertArrayEquals(chars(BOS + "Uhi|Ayo"), e.inputIds());
        ChatRenderer noEndOfTurn = new ChatRenderer() {
            @Override
            public List<Segment> render(Conversation c) {
                return withBos.render(c);
            }

            @Override
            public boolean endsTurns() {
                return false;
            }
        };
        SftExample withEos = new SftExampleBuilder(tokenizer, noEndOfTurn, new SftOptions(64, false))
                .encode(Conversation.of(Turn.user("hi"), Turn.assistant("yo")));
        assertArrayEquals(new int[] {1, 'U', 'h', 'i', '|', 'A', 'y', 'o', 2}, withEos.inputIds());
        assertEquals(3, withEos.trainedTokens()); // y, o and EOS
    }

    @Test
    void trainingOnPromptsLabelsEveryToken() {
        SftExample e = encode(Conversation.of(Turn.user("hi"), Turn.assistant("yo")), true);
        assertArrayEquals(e.inputIds(), e.labels());
    }

    @Test
    void aPromptCompletionIsPromptWithBosThenCompletionThenEos() {
        SftExample e = encode(new PromptCompletion("ab", "cd"), false);
        assertArrayEquals(new int[] {1, 'a', 'b', 'c', 'd', 2}, e.inputIds());
        assertArrayEquals(new int[] {IGNORE, IGNORE, IGNORE, 'c', 'd', 2}, e.labels());
    }

    @Test
    void aTextDocumentIsLabelledWhole() {
        SftExample e = encode(new TextDocument("xy"), false);
        assertArrayEquals(new int[] {1, 'x', 'y', 2}, e.inputIds());
        assertArrayEquals(e.inputIds(), e.labels());
    }

    @Test
    void longExamplesKeepTheirStartAndThoseLeftWithoutLabelsAreDropped() {
        SftExampleBuilder builder = new SftExampleBuilder(tokenizer, TEMPLATE, new SftOptions(7, false));
        SftBuildResult result = builder.buildAll(List.of(
                Conversation.of(Turn.user("hi"), Turn.assistant("yo")),
                Conversation.of(Turn.user("a long question"), Turn.assistant("x")),
                new PromptCompletion("p", "q")));
        assertEquals(2, result.truncated());
        assertEquals(1, result.dropped());
        assertEquals(List.of(new SftExample(chars(BOS + "Uhi|Ay"), labels(BOS + "Uhi|A", "y")),
                new SftExample(new int[] {1, 'p', 'q', 2}, new int[] {IGNORE, IGNORE, 'q', 2})), result.examples());
    }

    @Test
    void aConversationWithoutARendererIsRefused() {
        SftExampleBuilder builder = new SftExampleBuilder(tokenizer, null, SftOptions.defaults());
        assertThrows(IllegalStateException.class,
                () -> builder.encode(Conversation.of(Turn.user("a"), Turn.assistant("b"))));
    }
}
