package dev.jtune.data.corpus;

import dev.jtune.data.ReadReport;
import dev.jtune.data.TextDocument;
import dev.jtune.data.io.DocumentReader;
import dev.jtune.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Turns plain-text documents into token shards for pretraining: each document is tokenized without special tokens
 * and followed by the EOS token, documents are split between training and validation by a seeded draw of exactly
 * {@code round(fraction * documents)} held-out documents, and each split is written as numbered shards
 * ({@code train-00000.bin}, ...) of uint16 or uint32 ids, then {@value PreparedCorpus#MANIFEST}. Inputs are
 * {@code .txt}, {@code .json} or {@code .jsonl} files (with a {@code text} field), optionally {@code .gz}; they are
 * read twice, once to count documents and once to tokenize them.
 */
public final class CorpusPreparer {

    /** The name of the training split. */
    public static final String TRAIN = "train";
    /** The name of the validation split. */
    public static final String VALIDATION = "validation";

    private static final Logger LOG = LoggerFactory.getLogger(CorpusPreparer.class);

    private final Tokenizer tokenizer;
    private final CorpusOptions options;

    /**
     * @param tokenizer text to ids; its first EOS id separates documents
     * @param options   split, seed, shard size and how to read inputs
     */
    public CorpusPreparer(Tokenizer tokenizer, CorpusOptions options) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Prepares a corpus in {@code outDir}, replacing any corpus there. Every file is written under a temporary name
     * and renamed when complete; the manifest comes last.
     */
    public PreparedCorpus prepare(List<Path> inputs, Path outDir) throws IOException {
        List<Integer> eosIds = tokenizer.specialTokens().eos();
        if (eosIds.isEmpty()) {
            throw new IllegalStateException("the tokenizer has no EOS token to separate documents with");
        }
        int eos = eosIds.get(0);
        int vocabSize = tokenizer.vocabSize();
        TokenDType dtype = TokenDType.forVocabSize(vocabSize);
        DocumentReader reader = new DocumentReader(options.errorPolicy(), options.textSeparator());

        long documents = countDocuments(reader, inputs);
        long held = heldOut(documents);
        LOG.info("preparing {} documents from {} file(s) into {}: {} for validation, {} tokens",
                documents, inputs.size(), outDir, held, dtype);

        Files.createDirectories(outDir);
        Files.deleteIfExists(outDir.resolve(PreparedCorpus.MANIFEST));
        deleteShards(outDir);
        SplittableRandom random = new SplittableRandom(options.seed());
        Progress progress = new Progress(LOG, "tokenized documents", documents);
        try (SplitWriter train = new SplitWriter(outDir, TRAIN, dtype, vocabSize);
             SplitWriter validation = new SplitWriter(outDir, VALIDATION, dtype, vocabSize)) {
            long[] seen = {0, 0};
            for (Path input : inputs) {
                readDocuments(reader, input, doc -> {
                    if (seen[0] == documents) {
                        throw new IllegalStateException(input + " holds more documents than when first counted");
                    }
                    boolean holdOut = random.nextLong(documents - seen[0]) < held - seen[1];
                    int[] ids = tokenizer.encodeRaw(doc.text());
                    (holdOut ? validation : train).add(ids, eos);
                    seen[0]++;
                    seen[1] += holdOut ? 1 : 0;
                    progress.update(seen[0], train.tokens + validation.tokens);
                });
            }
            PreparedCorpus corpus = new PreparedCorpus(dtype, vocabSize, eos, options.seed(),
                    options.validationFraction(), train.finish(), validation.finish());
            corpus.write(outDir);
            LOG.info("corpus ready in {}: train {} documents / {} tokens in {} shard(s), validation {} / {} in {}",
                    outDir, corpus.train().documents(), corpus.train().tokens(), corpus.train().shards().size(),
                    corpus.validation().documents(), corpus.validation().tokens(), corpus.validation().shards().size());
            return corpus;
        }
    }

    /** How many documents are held out: the fraction rounded, at least one when there is a fraction and two docs. */
    private long heldOut(long documents) {
        long held = Math.round(options.validationFraction() * documents);
        return options.validationFraction() > 0 && held == 0 && documents > 1 ? 1 : held;
    }

    private static long countDocuments(DocumentReader reader, List<Path> inputs) throws IOException {
        long[] n = {0};
        for (Path input : inputs) {
            reader.read(input, doc -> n[0]++);
        }
        return n[0];
    }

    private static void readDocuments(DocumentReader reader, Path input, IoConsumer<TextDocument> sink)
            throws IOException {
        try {
            ReadReport report = reader.read(input, doc -> {
                try {
                    sink.accept(doc);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            LOG.info("read {}", report.summary());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void deleteShards(Path outDir) throws IOException {
        try (DirectoryStream<Path> old = Files.newDirectoryStream(outDir,
                "{" + TRAIN + "," + VALIDATION + "}-[0-9][0-9][0-9][0-9][0-9].bin")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
    }

    /** A consumer that may fail with an IOException. */
    @FunctionalInterface
    private interface IoConsumer<T> {
        void accept(T t) throws IOException;
    }

    /** The shards of one split, started as tokens arrive and cut at the shard size. */
    private final class SplitWriter implements AutoCloseable {
        private final Path dir;
        private final String split;
        private final TokenDType dtype;
        private final int vocabSize;
        private final List<String> shards = new ArrayList<>();
        private ShardWriter current;
        private long documents;
        private long tokens;

        SplitWriter(Path dir, String split, TokenDType dtype, int vocabSize) {
            this.dir = dir;
            this.split = split;
            this.dtype = dtype;
            this.vocabSize = vocabSize;
        }

        void add(int[] ids, int separator) throws IOException {
            write(ids);
            write(new int[] {separator});
            documents++;
        }

        private void write(int[] ids) throws IOException {
            int from = 0;
            while (from < ids.length) {
                if (current == null) {
                    String name = String.format("%s-%05d.bin", split, shards.size());
                    current = ShardWriter.create(dir.resolve(name), dtype, vocabSize);
                    shards.add(name);
                }
                int n = (int) Math.min(ids.length - from, options.tokensPerShard() - current.count());
                current.write(ids, from, from + n);
                from += n;
                tokens += n;
                if (current.count() == options.tokensPerShard()) {
                    current.commit();
                    current = null;
                }
            }
        }

        PreparedCorpus.Split finish() throws IOException {
            if (current != null) {
                current.commit();
                current = null;
            }
            return new PreparedCorpus.Split(documents, tokens, shards);
        }

        @Override
        public void close() throws IOException {
            if (current != null) {
                current.close();
            }
        }
    }
}
