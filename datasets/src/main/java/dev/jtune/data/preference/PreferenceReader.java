package dev.jtune.data.preference;

import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.ReadReport;
import dev.jtune.data.ReadResult;
import dev.jtune.data.io.JsonRecordReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads preference data from {@code .json} or {@code .jsonl} files (optionally {@code .gz}) into
 * {@link PreferencePair}s. With {@link PreferenceFormat#AUTO} each record's format is told by its fields:
 * {@code conversations} → ShareGPT, {@code question} → stack-exchange, {@code responses} → ranked,
 * {@code prompt} → explicit, {@code chosen} alone → implicit prompt (hh-rlhf).
 */
public final class PreferenceReader {

    private final JsonRecordReader<PreferencePair> reader;

    /** Detects formats per record and fails on the first malformed record. */
    public PreferenceReader() {
        this(PreferenceFormat.AUTO, ErrorPolicy.FAIL);
    }

    /**
     * @param format the format of every record, or {@link PreferenceFormat#AUTO} to detect it per record
     * @param policy what to do with malformed records
     */
    public PreferenceReader(PreferenceFormat format, ErrorPolicy policy) {
        this.reader = new JsonRecordReader<>(new PreferenceDecoder(Objects.requireNonNull(format, "format")), policy);
    }

    /** Reads every pair of the file into a list. */
    public ReadResult<PreferencePair> readAll(Path file) throws IOException {
        return reader.readAll(file);
    }

    /** Streams every pair of the file to {@code sink}, in file order. */
    public ReadReport read(Path file, Consumer<? super PreferencePair> sink) throws IOException {
        return reader.read(file, sink);
    }
}
