package dev.jtune.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The result of {@link BpeTrainer}: byte tokens 0-255 (byte b has id b), the merged tokens in the order they were
 * learned, then the special tokens. {@link #save} writes it as a Hugging Face tokenizer directory.
 */
public final class BpeModel {

    private final List<byte[]> tokenBytes;
    private final List<int[]> merges;
    private final BpeTrainerConfig config;

    BpeModel(List<byte[]> tokenBytes, List<int[]> merges, BpeTrainerConfig config) {
        this.tokenBytes = List.copyOf(tokenBytes);
        this.merges = List.copyOf(merges);
        this.config = config;
    }

    /** Ids in use: byte tokens, merged tokens and special tokens. At most the configured vocab size. */
    public int vocabSize() {
        return tokenBytes.size() + config.specialTokens().size();
    }

    /** Number of merge rules learned. */
    public int mergeCount() {
        return merges.size();
    }

    /** The id of a special token: they follow the last merged token, in the order of the config. */
    public int specialTokenId(String token) {
        int index = config.specialTokens().indexOf(token);
        if (index < 0) {
            throw new IllegalArgumentException("not a special token of this model: " + token);
        }
        return tokenBytes.size() + index;
    }

    /**
     * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if needed), each to a
     * temporary name first and renamed when complete. The result loads with {@link HfTokenizer#load}.
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        TokenizerJsonWriter.write(dir, tokenBytes, merges, config);
    }
}
