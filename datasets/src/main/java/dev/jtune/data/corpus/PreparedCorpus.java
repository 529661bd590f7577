package dev.jtune.data.corpus;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link CorpusPreparer} made, as written to {@value #MANIFEST} in the corpus folder once every shard is in
 * place: a folder without it holds no finished corpus.
 *
 * @param dtype              how tokens are stored
 * @param vocabSize          the tokenizer's vocabulary size
 * @param separatorId        the token between documents (EOS)
 * @param seed               the seed of the train/validation split
 * @param validationFraction the share of documents held out
 * @param train              the training split
 * @param validation         the validation split
 */
public record PreparedCorpus(TokenDType dtype, int vocabSize, int separatorId, long seed, double validationFraction,
                             Split train, Split validation) {

    /** The manifest's file name. */
    public static final String MANIFEST = "corpus.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    public PreparedCorpus {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
    }

    /**
     * One split of the corpus.
     *
     * @param documents how many documents it holds
     * @param tokens    how many tokens, separators included
     * @param shards    its shard file names, in order, relative to the corpus folder
     */
    public record Split(long documents, long tokens, List<String> shards) {

        public Split {
            shards = List.copyOf(shards);
        }
    }

    /** The split called {@code name}: {@link CorpusPreparer#TRAIN} or {@link CorpusPreparer#VALIDATION}. */
    public Split split(String name) {
        return switch (name) {
            case CorpusPreparer.TRAIN -> train;
            case CorpusPreparer.VALIDATION -> validation;
            default -> throw new IllegalArgumentException("unknown split '" + name + "' (expected "
                    + CorpusPreparer.TRAIN + " or " + CorpusPreparer.VALIDATION + ")");
        };
    }

    /** Reads the manifest of a corpus folder. */
    public static PreparedCorpus read(Path corpusDir) throws IOException {
        Path manifest = corpusDir.resolve(MANIFEST);
        try {
            PreparedCorpus corpus = GSON.fromJson(Files.readString(manifest), PreparedCorpus.class);
            if (corpus == null) {
                throw new IOException(manifest + ": empty manifest");
            }
            return corpus;
        } catch (NoSuchFileException e) {
            throw new IOException(corpusDir + ": no " + MANIFEST + ", so no finished corpus here", e);
        } catch (RuntimeException e) {
            // Gson's own parse errors, and the record constructor's checks, which Gson wraps
            throw new IOException(manifest + ": not a corpus manifest: " + e.getMessage(), e);
        }
    }

    /** Writes the manifest into a corpus folder, atomically. */
    void write(Path corpusDir) throws IOException {
        AtomicFiles.writeString(corpusDir.resolve(MANIFEST), GSON.toJson(this));
    }
}
