package dev.jtune.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json} run by DJL's Rust tokenizers, with the special token ids of the files beside
 * it. Nothing is ever downloaded, no text is truncated or padded, and DJL's own reading of
 * {@code tokenizer_config.json} (which could add a prefix space or clean up spaces on decode) is bypassed: encoding
 * and decoding are exactly what {@code tokenizer.json} says.
 */
public final class HfTokenizer implements Tokenizer {

    /** Far above any context length, so that nothing is cut at DJL's default of 512. */
    private static final String NO_LIMIT = Integer.toString(1 << 30);

    private final HuggingFaceTokenizer tokenizer;
    private final TokenizerSideFiles sideFiles;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, TokenizerSideFiles sideFiles) {
        this.tokenizer = tokenizer;
        this.sideFiles = sideFiles;
    }

    /**
     * Loads a {@code tokenizer.json} file, or a directory holding one (a model directory works). Special ids come
     * from {@code tokenizer_config.json} in the same directory; {@code config.json} and
     * {@code generation_config.json}, when present, take precedence for BOS and PAD and list their EOS ids first.
     *
     * @throws IOException when there is no tokenizer.json or a side file is not valid JSON
     */
    public static HfTokenizer load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException("no tokenizer.json at " + path);
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // also stops DJL's usage ping on tokenizer creation
        }
        TokenizerSideFiles sideFiles = TokenizerSideFiles.read(file);
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "false",
                "padding", "false",
                "maxLength", NO_LIMIT,
                "modelMaxLength", NO_LIMIT);
        HuggingFaceTokenizer tokenizer;
        try {
            // Given the file itself, DJL reads no tokenizer_config.json.
            tokenizer = HuggingFaceTokenizer.newInstance(file, options);
        } catch (RuntimeException e) {
            throw new IOException(file + ": DJL could not load it (" + e.getMessage() + ")", e);
        }
        return new HfTokenizer(tokenizer, sideFiles);
    }

    @Override
    public int[] encode(String text) {
        return toInts(tokenizer.encode(text, true, false).getIds());
    }

    @Override
    public int[] encodeRaw(String text) {
        return toInts(tokenizer.encode(text, false, false).getIds());
    }

    @Override
    public List<int[]> encodeBatch(List<String> texts) {
        List<int[]> out = new ArrayList<>(texts.size());
        for (Encoding e : tokenizer.batchEncode(texts, true, false)) {
            out.add(toInts(e.getIds()));
        }
        return out;
    }

    /** Decodes with DJL's {@code decode(ids, skipSpecialTokens=true)}: added tokens marked special are left out. */
    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, true);
    }

    @Override
    public int vocabSize() {
        return sideFiles.vocabSize();
    }

    @Override
    public SpecialTokens specialTokens() {
        return sideFiles.specialTokens();
    }

    /** The id of a token string (for example {@code "<|eot_id|>"}), from the vocabulary or the added tokens. */
    public OptionalInt tokenId(String token) {
        Integer id = sideFiles.vocabulary().get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}
