package dev.jtune.tokenizer;

import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTemplateTest {

    private static final List<Message> TWO_TURNS = List.of(
            Message.system("You are terse."),
            Message.user("  Hi there! \n"),
            Message.assistant("Hello."),
            Message.user("What is 2+2?"),
            Message.assistant(" 4 "));

    @Test
    void llama3BuiltInRendersMetaFormat() {
        String expected = "<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi there!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>";
        ChatTemplate llama3 = ChatTemplate.builtIn("llama3");
        assertEquals(expected, llama3.render(TWO_TURNS, false));
        assertEquals(expected + "<|start_header_id|>assistant<|end_header_id|>\n\n", llama3.render(TWO_TURNS, true));
        assertEquals(List.of("Hello.<|eot_id|>", "4<|eot_id|>"), assistantTexts(llama3, TWO_TURNS, false));
    }

    @Test
    void chatmlAndAlpaca() {
        List<Message> chat = List.of(Message.user("Hi"), Message.assistant("Hello"));
        ChatTemplate chatml = ChatTemplate.builtIn("chatml");
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n"
                + "<|im_start|>assistant\n", chatml.render(chat, true));
        assertEquals(List.of("Hello<|im_end|>"), assistantTexts(chatml, chat, false));

        ChatTemplate alpaca = ChatTemplate.builtIn("alpaca");
        assertEquals("Below is an instruction that describes a task. Write a response that appropriately completes "
                + "the request.\n\n### Instruction:\nHi\n\n### Response:\nHello", alpaca.render(chat, false));
        assertEquals(List.of("Hello"), assistantTexts(alpaca, chat, false));
        assertTrue(alpaca.render(List.of(Message.user("Hi")), true).endsWith("### Instruction:\nHi\n\n### Response:\n"));
        assertThrows(IllegalArgumentException.class,
                () -> alpaca.render(List.of(Message.user("a"), Message.system("b")), false));
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.builtIn("vicuna"));
    }

    @Test
    void metaLlama3TemplateRendersLikeTheBuiltIn() throws IOException {
        // tokenizers/llama3/tokenizer_config.json (rendering also checked with Python jinja2 3.1.6): its template trims contents, puts bos_token before the first
        // turn and always ends with the assistant header, so it equals the built-in with a generation prompt.
        ChatTemplate meta = ChatTemplate.fromDirectory(Fixtures.path("tokenizers/llama3"));
        ChatTemplate builtIn = ChatTemplate.builtIn("llama3");
        assertEquals(builtIn.render(TWO_TURNS, true), meta.render(TWO_TURNS, true));
        assertEquals(builtIn.render(TWO_TURNS, true), meta.render(TWO_TURNS, false));
        List<ChatSegment> segments = meta.renderSegments(TWO_TURNS, false);
        assertEquals(assistantTexts(builtIn, TWO_TURNS, false), assistantTexts(meta, TWO_TURNS, false));
        assertEquals(meta.render(TWO_TURNS, false), String.join("", segments.stream().map(ChatSegment::text).toList()));
    }

    @Test
    void trainedTokenizerTemplateStartsEachMessageWithASpace(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<|begin_of_text|>\", "
                + "\"chat_template\": " + new com.google.gson.Gson().toJson(TokenizerJsonWriter.CHAT_TEMPLATE)
                + "}");
        ChatTemplate trained = ChatTemplate.fromDirectory(dir);
        String expected = "<|begin_of_text|>"
                + "<|start_header_id|>system<|end_header_id|> You are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|> Hi there!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|> Hello.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|> What is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|> 4<|eot_id|>";
        assertEquals(expected, trained.render(TWO_TURNS, false));
        assertEquals(expected + "<|start_header_id|>assistant<|end_header_id|>", trained.render(TWO_TURNS, true));
        // the space belongs to the reply, so the reply's first word is tokenized as in running text
        assertEquals(List.of(" Hello.<|eot_id|>", " 4<|eot_id|>"), assistantTexts(trained, TWO_TURNS, false));
    }

    @Test
    void chatTemplateJinjaFileWinsOverTokenizerConfig(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"inline\"}");
        assertEquals("inline", ChatTemplate.fromDirectory(dir).render(List.of(), false));
        Files.writeString(dir.resolve("chat_template.jinja"), "from file");
        assertEquals("from file", ChatTemplate.fromDirectory(dir).render(List.of(), false));
    }

    /** Expected strings checked with Python jinja2 3.1.6, Environment(trim_blocks=True, lstrip_blocks=True). */
    @Test
    void jinjaSubset() {
        List<Message> chat = List.of(Message.user("a"), Message.assistant("b"), Message.user("c"));
        String loops = "{% for m in messages %}{{ loop.index0 }}{{ m.role[0] }}{% if loop.first %}F{% elif loop.last %}"
                + "L{% else %}-{% endif %}{% set x = m['content'] ~ '!' %}{{ x }}{% endfor %}[{{ x }}]";
        assertEquals("0uFa!1a-b!2uLc![]", ChatTemplate.jinja(loops, null, null).render(chat, false));

        // trim_blocks and lstrip_blocks, as transformers configures Jinja, and the '-' marks.
        String blocks = "{% for m in messages %}\n    {% if m.role == 'user' %}\nU:{{ m.content }}\n"
                + "    {% endif %}\n{% endfor %}\n{{- ' end' if not add_generation_prompt else ' gen' }}";
        assertEquals("U:a\nU:c\n end", ChatTemplate.jinja(blocks, null, null).render(chat, false));

        String guard = "{% if messages[0]['role'] != 'system' and messages | length > 2 %}"
                + "{{ raise_exception('needs a system message') }}{% endif %}ok";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.jinja(guard, null, null).render(chat, false));
        assertTrue(e.getMessage().contains("needs a system message"), e.getMessage());
        assertEquals("ok", ChatTemplate.jinja(guard, null, null).render(chat.subList(0, 2), false));

        assertEquals("yes", ChatTemplate.jinja("{% if foo is not defined and 'b' in ['a', 'b'] %}yes{% endif %}",
                null, null).render(chat, false));
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.jinja("{% macro m() %}{% endmacro %}", null,
                null));
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.jinja("{% if true %}open", null, null));
    }

    private static List<String> assistantTexts(ChatTemplate template, List<Message> messages, boolean generation) {
        return template.renderSegments(messages, generation).stream().filter(ChatSegment::assistant)
                .map(ChatSegment::text).toList();
    }
}
