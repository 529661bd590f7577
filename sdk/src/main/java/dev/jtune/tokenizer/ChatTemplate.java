package dev.jtune.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Renders a conversation to the text a model was trained on. {@link #renderSegments} also tells which parts are
 * assistant replies, so that supervised fine-tuning can compute its loss on those tokens only.
 */
public interface ChatTemplate {

    /**
     * The conversation as consecutive segments whose concatenation is {@link #render}'s text.
     *
     * @param addGenerationPrompt end with the header that opens an assistant turn, for generation
     * @throws IllegalArgumentException when the template rejects the conversation (an unknown role, say)
     */
    List<ChatSegment> renderSegments(List<Message> messages, boolean addGenerationPrompt);

    /**
     * The ids a model continues to reply to {@code messages}: the conversation rendered with the generation prompt,
     * encoded without added specials, with BOS put first when the template's text does not begin with it.
     */
    default int[] promptIds(Tokenizer tokenizer, List<Message> messages) {
        int[] ids = tokenizer.encodeRaw(render(messages, true));
        int bos = tokenizer.specialTokens().bos();
        if (bos < 0 || (ids.length > 0 && ids[0] == bos)) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bos;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    /** The conversation as one string. */
    default String render(List<Message> messages, boolean addGenerationPrompt) {
        StringBuilder out = new StringBuilder();
        for (ChatSegment segment : renderSegments(messages, addGenerationPrompt)) {
            out.append(segment.text());
        }
        return out.toString();
    }

    /**
     * A built-in template: "llama3" (Meta's format, beginning with the {@code <|begin_of_text|>} text),
     * "chatml" ({@code <|im_start|>role ... <|im_end|>}) or "alpaca" ("### Instruction:" / "### Response:"; it has
     * no end-of-turn text, so append the EOS id after each assistant segment when training).
     */
    static ChatTemplate builtIn(String name) {
        try {
            return BuiltInChatTemplate.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no built-in chat template '" + name + "': use llama3, chatml or alpaca",
                    e);
        }
    }

    /**
     * A Jinja chat template, as found in tokenizer_config.json, run by a small interpreter of the subset chat
     * templates use (see {@code JinjaTemplate}).
     *
     * @param bosToken the text of {@code bos_token} in the template, or null
     * @param eosToken the text of {@code eos_token} in the template, or null
     */
    static ChatTemplate jinja(String source, String bosToken, String eosToken) {
        return new JinjaChatTemplate(JinjaTemplate.parse(source), bosToken, eosToken);
    }

    /**
     * The model's own template from a tokenizer (or model) directory: {@code chat_template.jinja} when present,
     * else the {@code chat_template} of {@code tokenizer_config.json} (a string, or a list of named templates of
     * which "default" is taken). {@code bos_token} and {@code eos_token} come from tokenizer_config.json.
     *
     * @throws IOException when the directory has no chat template
     */
    static ChatTemplate fromDirectory(Path dir) throws IOException {
        Path configFile = dir.resolve("tokenizer_config.json");
        JsonObject config = Files.isRegularFile(configFile)
                ? JsonParser.parseString(Files.readString(configFile, StandardCharsets.UTF_8)).getAsJsonObject()
                : new JsonObject();
        Path jinjaFile = dir.resolve("chat_template.jinja");
        String source;
        if (Files.isRegularFile(jinjaFile)) {
            source = Files.readString(jinjaFile, StandardCharsets.UTF_8);
        } else {
            source = inlineTemplate(config.get("chat_template"));
            if (source == null) {
                throw new IOException("no chat template in " + dir + ": neither chat_template.jinja nor a "
                        + "chat_template in tokenizer_config.json");
            }
        }
        try {
            return jinja(source, tokenText(config.get("bos_token")), tokenText(config.get("eos_token")));
        } catch (IllegalArgumentException e) {
            throw new IOException("chat template of " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String inlineTemplate(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (value.isJsonPrimitive()) {
            return value.getAsString();
        }
        for (JsonElement named : value.getAsJsonArray()) {
            JsonObject entry = named.getAsJsonObject();
            if ("default".equals(entry.get("name").getAsString())) {
                return entry.get("template").getAsString();
            }
        }
        return null;
    }

    /** A special token given as a string or as {"content": ...}. */
    private static String tokenText(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return null;
        }
        return value.isJsonObject() ? value.getAsJsonObject().get("content").getAsString() : value.getAsString();
    }
}
