package dev.jtune.data.io;

import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.ReadReport;
import dev.jtune.data.ReadResult;
import dev.jtune.data.TextDocument;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads plain-text documents: from {@code .txt} files (documents separated by blank lines, or by a separator string
 * you give, for corpora whose documents hold blank lines themselves), or from JSON/JSONL records with a
 * {@code text} field. Any of them may be {@code .gz}.
 */
public final class DocumentReader {

    private final ErrorPolicy policy;
    private final TextSplitter splitter;

    /** A reader that splits text files at blank lines and fails on malformed JSON records. */
    public DocumentReader() {
        this(ErrorPolicy.FAIL, null);
    }

    /**
     * @param policy    what to do with malformed JSON records
     * @param separator the string between documents of a text file, or null for blank lines
     */
    public DocumentReader(ErrorPolicy policy, String separator) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.splitter = new TextSplitter(separator);
    }

    /** Reads every document of the file into a list. */
    public ReadResult<TextDocument> readAll(Path file) throws IOException {
        List<TextDocument> out = new ArrayList<>();
        ReadReport report = read(file, out::add);
        return new ReadResult<>(out, report);
    }

    /** Streams every document of the file to {@code sink}, in file order. */
    public ReadReport read(Path file, Consumer<? super TextDocument> sink) throws IOException {
        if (FileKind.of(file) != FileKind.TEXT) {
            return new JsonRecordReader<>(
                    r -> List.of(new TextDocument(JsonFields.requireText(r, "text"))), policy).read(file, sink);
        }
        SkipLog log = new SkipLog(file, policy);
        try (BufferedReader in = DataFiles.open(file)) {
            splitter.split(in, text -> {
                sink.accept(new TextDocument(text));
                log.produced(1);
            });
        }
        return log.report();
    }
}
