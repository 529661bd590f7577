package dev.jtune.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfTokenizerTest {

    /** Round-trip strings: ASCII, spaces and newlines, accents, CJK, emoji (4-byte UTF-8 and a ZWJ sequence). */
    static final List<String> HARD_STRINGS = List.of(
            "Hello, world!",
            "  two  spaces\n\nand\ttabs \n",
            "café naïve Ωmega",
            "日本語のテキスト、中文文本。",
            "emoji 😀 family 👨‍👩‍👧 flag 🇫🇷 end",
            "mixed: price 12,345.67€ — “quoted” …");

    private static HfTokenizer llama2;
    private static HfTokenizer llama3;

    @BeforeAll
    static void load() throws IOException {
        llama2 = HfTokenizer.load(Fixtures.path("tokenizers/llama2/tokenizer.json"));
        llama3 = HfTokenizer.load(Fixtures.path("tokenizers/llama3"));
    }

    @AfterAll
    static void close() {
        if (llama2 != null) {
            llama2.close();
        }
        if (llama3 != null) {
            llama3.close();
        }
    }

    @Test
    void llama2EncodesLikeSentencePiece() {
        // PROVENANCE.md section 2: checked against llama2.c's SentencePiece encoder.
        assertArrayEquals(new int[]{1, 15043, 29892, 3186, 29991}, llama2.encode("Hello, world!"));
        assertArrayEquals(new int[]{1, 9038, 2501, 263, 931}, llama2.encode("Once upon a time"));
        // Read in the vocab of tokenizers/llama2/tokenizer.json: "▁The"=450, "▁cat"=6635, "▁sat"=3290,
        // "▁little"=2217, "▁dog"=11203.
        assertArrayEquals(new int[]{1, 450, 6635, 3290}, llama2.encode("The cat sat"));
        assertArrayEquals(new int[]{2217, 11203}, llama2.encodeRaw("little dog"));
    }

    @Test
    void llama2SpecialTokensAndDecode() {
        // tokenizer_config.json: bos "<s>", eos "</s>", pad null; added_tokens_decoder maps them to 1 and 2.
        assertEquals(new SpecialTokens(1, List.of(2), -1), llama2.specialTokens());
        assertEquals(32000, llama2.vocabSize());
        assertEquals("Hello, world!", llama2.decode(new int[]{1, 15043, 29892, 3186, 29991, 2}));
    }

    @Test
    void llama3AddsNoBos() {
        // PROVENANCE.md section 2: the llama3 post-processor is ByteLevel only. Vocab: "Hello"=9906, ","=11,
        // "Ġworld"=1917, "!"=0.
        assertArrayEquals(new int[]{9906, 11, 1917, 0}, llama3.encode("Hello, world!"));
        assertArrayEquals(new int[]{9906, 11, 1917, 0}, llama3.encodeRaw("Hello, world!"));
    }

    @Test
    void llama3SpecialIds() {
        // added_tokens of tokenizers/llama3/tokenizer.json.
        assertEquals(128000, llama3.tokenId("<|begin_of_text|>").orElseThrow());
        assertEquals(128001, llama3.tokenId("<|end_of_text|>").orElseThrow());
        assertEquals(128009, llama3.tokenId("<|eot_id|>").orElseThrow());
        assertEquals(new SpecialTokens(128000, List.of(128001), -1), llama3.specialTokens());
        assertEquals(128256, llama3.vocabSize());
        assertArrayEquals(new int[]{128000, 9906, 128009}, llama3.encodeRaw("<|begin_of_text|>Hello<|eot_id|>"));
        assertEquals("Hello", llama3.decode(new int[]{128000, 9906, 128009}));
    }

    @Test
    void llama3RoundTripsAndStreams() {
        for (String s : HARD_STRINGS) {
            int[] ids = llama3.encodeRaw(s);
            assertEquals(s, llama3.decode(ids), "round trip of " + s);
            assertEquals(s, streamed(llama3, ids), "streamed decode of " + s);
        }
    }

    @Test
    void llama2StreamsByteFallback() {
        // Emoji and CJK outside the llama2 vocab are byte-fallback tokens <0xF0><0x9F>...
        for (String s : HARD_STRINGS) {
            int[] ids = llama2.encode(s);
            assertEquals(llama2.decode(ids), streamed(llama2, ids), "streamed decode of " + s);
        }
    }

    @Test
    void streamingHoldsPartialCharacters() {
        int[] ids = llama3.encodeRaw("😀");
        assertTrue(ids.length > 1, "the emoji is split over byte tokens in llama3");
        StreamingDecoder decoder = new StreamingDecoder(llama3);
        for (int i = 0; i < ids.length - 1; i++) {
            assertEquals("", decoder.push(ids[i]));
        }
        assertEquals("😀", decoder.push(ids[ids.length - 1]));
    }

    @Test
    void encodeBatchNeitherPadsNorTruncates() {
        String longText = "word ".repeat(2000).strip();
        List<int[]> batch = llama2.encodeBatch(List.of("Hello, world!", longText));
        assertArrayEquals(new int[]{1, 15043, 29892, 3186, 29991}, batch.get(0));
        assertEquals(2001, batch.get(1).length, "BOS + 2000 tokens of '▁word', not cut at 512");
    }

    @Test
    void stories260kMatchesRunC() throws IOException {
        Path dir = Fixtures.path("weights/stories260K-hf");
        JsonObject case0 = JsonParser.parseString(Files.readString(dir.resolve("reference_greedy.json")))
                .getAsJsonArray().get(0).getAsJsonObject();
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            assertArrayEquals(ints(case0.getAsJsonArray("prompt_token_ids")),
                    tok.encode(case0.get("prompt").getAsString()));
            assertEquals(new SpecialTokens(1, List.of(2), -1), tok.specialTokens());
            assertEquals(512, tok.vocabSize());
            String text = tok.decode(ints(case0.getAsJsonArray("output_token_ids")));
            String runc = case0.get("runc_stdout").getAsString();
            assertTrue(text.length() > 100 && runc.startsWith(text), text);
        }
    }

    @Test
    void configJsonIdsTakePrecedence(@TempDir Path dir) throws IOException {
        Files.copy(Fixtures.path("weights/stories260K-hf/tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"bos_token\": {\"content\": \"<s>\"}, \"eos_token\": \"</s>\", \"pad_token\": \"<unk>\"}",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": [7, 2]}",
                StandardCharsets.UTF_8);
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            assertEquals(new SpecialTokens(1, List.of(7, 2), 0), tok.specialTokens());
        }
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> HfTokenizer.load(dir));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    static String streamed(Tokenizer tokenizer, int[] ids) {
        StreamingDecoder decoder = new StreamingDecoder(tokenizer);
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(decoder.push(id));
        }
        return out.append(decoder.flush()).toString();
    }

    private static int[] ints(JsonArray array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsInt();
        }
        return out;
    }
}
