package dev.jtune.tokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpeTrainerTest {

    @TempDir
    static Path dir;
    private static BpeModel model;
    private static HfTokenizer tokenizer;

    @BeforeAll
    static void train() throws IOException {
        model = new BpeTrainer(new BpeTrainerConfig(1000)).trainOnTexts(List.of(generatedCorpus(new Random(7))));
        model.save(dir);
        tokenizer = HfTokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void fillsTheVocabularyWithSpecialsAtTheEnd() {
        assertEquals(1000, model.vocabSize());
        assertEquals(1000 - 256 - 6, model.mergeCount());
        assertEquals(994, model.specialTokenId("<|begin_of_text|>"));
        assertEquals(999, model.specialTokenId("<|eot_id|>"));
        assertEquals(1000, tokenizer.vocabSize());
        assertEquals(new SpecialTokens(994, List.of(995), 996), tokenizer.specialTokens());
    }

    @Test
    void decodeOfEncodeRawIsIdentityOnRandomStrings() {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            String s = randomString(random, 1 + random.nextInt(40));
            assertEquals(s, tokenizer.decode(tokenizer.encodeRaw(s)), () -> "round trip of " + codePoints(s));
        }
    }

    @Test
    void encodePrependsBos() {
        Random random = new Random(3);
        for (int i = 0; i < 50; i++) {
            String s = randomString(random, 1 + random.nextInt(20));
            int[] raw = tokenizer.encodeRaw(s);
            int[] withBos = tokenizer.encode(s);
            assertEquals(994, withBos[0]);
            assertArrayEquals(raw, java.util.Arrays.copyOfRange(withBos, 1, withBos.length));
        }
    }

    @Test
    void specialTokensEncodeToSingleIds() {
        for (String special : BpeTrainerConfig.DEFAULT_SPECIAL_TOKENS) {
            assertArrayEquals(new int[]{model.specialTokenId(special)}, tokenizer.encodeRaw(special), special);
        }
        int[] ids = tokenizer.encodeRaw("<|start_header_id|>user<|end_header_id|>");
        assertEquals(997, ids[0]);
        assertEquals(998, ids[ids.length - 1]);
        assertEquals("user", tokenizer.decode(ids), "specials are skipped on decode");
    }

    @Test
    void mergesTheMostFrequentPairFirstAndBreaksTiesBySmallerIds(@TempDir Path out) throws IOException {
        // One word "aaabdaaabac": pairs aa=4, ab=2, bd=da=ba=ac=1, so "a a" (id 256) comes first. The word becomes
        // [aa a b d aa a b a c]: (aa,a)=2 and (a,b)=2 tie, and (97,98) < (256,97), so "a b" is 257. Then
        // [aa ab d aa ab a c] gives (aa,ab)=2 -> 258; every other pair occurs once, below minFrequency 2.
        BpeTrainerConfig config = new BpeTrainerConfig(300, List.of("<s>", "</s>"), 2, 64);
        BpeModel tiny = new BpeTrainer(config).trainOnTexts(List.of("aaabdaaabac"));
        assertEquals(3, tiny.mergeCount());
        assertEquals(259, tiny.specialTokenId("<s>"));
        tiny.save(out);
        try (HfTokenizer tok = HfTokenizer.load(out)) {
            assertArrayEquals(new int[]{258, 'd', 258, 'a', 'c'}, tok.encodeRaw("aaabdaaabac"));
            assertArrayEquals(new int[]{259, 256}, tok.encode("aa"));
        }
    }

    @Test
    void trainingIsDeterministic(@TempDir Path a, @TempDir Path b) throws IOException {
        String corpus = generatedCorpus(new Random(11)).substring(0, 50_000);
        new BpeTrainer(new BpeTrainerConfig(600)).trainOnTexts(List.of(corpus)).save(a);
        new BpeTrainer(new BpeTrainerConfig(600)).trainOnTexts(List.of(corpus)).save(b);
        assertEquals(Files.readString(a.resolve("tokenizer.json")), Files.readString(b.resolve("tokenizer.json")));
    }

    @Test
    void configRejectsTooSmallVocabularies() {
        assertThrows(IllegalArgumentException.class, () -> new BpeTrainerConfig(261));
        assertThrows(IllegalArgumentException.class, () -> new BpeTrainerConfig(300, List.of("<s>"), 2, 64));
        assertThrows(IllegalArgumentException.class, () -> new BpeTrainerConfig(300, List.of("<s>", "<s>"), 2, 64));
    }

    /**
     * About 200 KB of made-up words (a skewed pick from 3000 syllable strings, so that there are many distinct
     * pairs to merge), punctuation, numbers, and a sprinkling of accents, CJK and emoji.
     */
    static String generatedCorpus(Random random) {
        String[] syllables = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qu", "th", "ing", "er", "on",
            "an", "st", "pl", "é", "ï", "日", "本", "語", "😀"};
        String[] pool = new String[3000];
        for (int i = 0; i < pool.length; i++) {
            StringBuilder word = new StringBuilder();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                word.append(syllables[random.nextInt(syllables.length)]);
            }
            pool[i] = random.nextInt(8) == 0 ? capitalize(word.toString()) : word.toString();
        }
        String[] punctuation = {" ", " ", " ", " ", ", ", ". ", ".\n\n", "! ", "'s ", " 42 ", " (", ") ", "\n"};
        StringBuilder out = new StringBuilder();
        while (out.length() < 200_000) {
            double skew = random.nextDouble();
            out.append(pool[(int) (pool.length * skew * skew)]);
            out.append(punctuation[random.nextInt(punctuation.length)]);
        }
        return out.toString();
    }

    private static String capitalize(String word) {
        return word.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + word.substring(1);
    }

    /** Code points from ASCII, white space runs, newlines, accents, CJK, emoji and unusual planes. */
    static String randomString(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(10)) {
                case 0, 1, 2 -> s.append((char) (' ' + random.nextInt(95)));
                case 3 -> s.append("  \t   ", 0, 1 + random.nextInt(6));
                case 4 -> s.append(random.nextBoolean() ? "\n" : "\r\n");
                case 5 -> s.appendCodePoint(0xC0 + random.nextInt(0x17F - 0xC0)); // Latin-1 and Latin Extended-A
                case 6 -> s.appendCodePoint(0x4E00 + random.nextInt(0x9FFF - 0x4E00)); // CJK ideographs
                case 7 -> s.appendCodePoint(0x1F300 + random.nextInt(0x1FAFF - 0x1F300)); // emoji blocks
                case 8 -> s.appendCodePoint(0x0300 + random.nextInt(0x70)); // combining marks
                default -> s.appendCodePoint(unusualCodePoint(random));
            }
        }
        return s.toString();
    }

    private static int unusualCodePoint(Random random) {
        int[] picks = {0x0000, 0x0007, 0x007F, 0x00A0, 0x00AD, 0x200B, 0x200D, 0x2028, 0x3000, 0xFEFF, 0xFFFD,
            0xE000, 0xFFFF, 0x10000, 0x1D11E, 0x10FFFF, 0x0627, 0x05D0, 0x0E01, 0x1100};
        return picks[random.nextInt(picks.length)];
    }

    private static String codePoints(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> out.append(String.format("U+%04X ", cp)));
        return out.toString();
    }
}
