package dev.jtune.data.sft;

import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.ReadReport;
import dev.jtune.data.ReadResult;
import dev.jtune.data.SftRecord;
import dev.jtune.data.io.DocumentReader;
import dev.jtune.data.io.FileKind;
import dev.jtune.data.io.JsonRecordReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads supervised fine-tuning data from {@code .json}, {@code .jsonl} or {@code .txt} files (each optionally
 * {@code .gz}) into {@link SftRecord}s. With {@link SftFormat#AUTO} each record's format is told by its fields:
 * {@code messages} → chat, {@code conversations} → ShareGPT, {@code instruction} with {@code output} → Alpaca,
 * {@code instruction} with {@code response} → Dolly, {@code prompt} → prompt/completion, {@code text} → text.
 * A {@code .txt} file gives one {@link dev.jtune.data.TextDocument} per document.
 */
public final class SftReader {

    private final SftFormat format;
    private final ErrorPolicy policy;
    private final String textSeparator;

    /** Detects formats per record and fails on the first malformed record. */
    public SftReader() {
        this(SftFormat.AUTO, ErrorPolicy.FAIL, null);
    }

    /**
     * @param format        the format of every record, or {@link SftFormat#AUTO} to detect it per record
     * @param policy        what to do with malformed records
     * @param textSeparator the string between documents of a {@code .txt} file, or null for blank lines
     */
    public SftReader(SftFormat format, ErrorPolicy policy, String textSeparator) {
        this.format = Objects.requireNonNull(format, "format");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.textSeparator = textSeparator;
    }

    /** Reads every record of the file into a list. */
    public ReadResult<SftRecord> readAll(Path file) throws IOException {
        List<SftRecord> out = new ArrayList<>();
        ReadReport report = read(file, out::add);
        return new ReadResult<>(out, report);
    }

    /** Streams every record of the file to {@code sink}, in file order. */
    public ReadReport read(Path file, Consumer<? super SftRecord> sink) throws IOException {
        if (FileKind.of(file) == FileKind.TEXT) {
            if (format != SftFormat.AUTO && format != SftFormat.TEXT) {
                throw new IllegalArgumentException(file + ": a text file holds documents, not " + format + " records");
            }
            return new DocumentReader(policy, textSeparator).read(file, sink);
        }
        return new JsonRecordReader<>(new SftDecoder(format), policy).read(file, sink);
    }
}
