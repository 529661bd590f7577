package dev.jtune.data.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.MalformedRecordException;
import dev.jtune.data.Problem;
import dev.jtune.data.ReadReport;
import dev.jtune.data.ReadResult;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads JSON records from a {@code .json} array or a {@code .jsonl} file (either optionally {@code .gz}), one
 * record at a time, decoding each with a {@link RecordDecoder}. JSON is parsed strictly (RFC 8259). Malformed
 * records fail with their file, line and (for arrays) index, or are skipped and counted, as the policy says.
 *
 * @param <T> the data record type
 */
public final class JsonRecordReader<T> {

    private final RecordDecoder<T> decoder;
    private final ErrorPolicy policy;

    /** A reader that decodes each record with {@code decoder} and treats malformed records as {@code policy} says. */
    public JsonRecordReader(RecordDecoder<T> decoder, ErrorPolicy policy) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Reads every record of the file into a list. */
    public ReadResult<T> readAll(Path file) throws IOException {
        List<T> out = new ArrayList<>();
        ReadReport report = read(file, out::add);
        return new ReadResult<>(out, report);
    }

    /**
     * Streams every record of the file to {@code sink}, in file order.
     *
     * @throws MalformedRecordException under {@link ErrorPolicy#FAIL} at the first malformed record, and under any
     *                                  policy when the file as a whole is not a JSON array or JSON lines
     * @throws IllegalArgumentException when the file is neither {@code .json} nor {@code .jsonl}
     */
    public ReadReport read(Path file, Consumer<? super T> sink) throws IOException {
        FileKind kind = FileKind.of(file);
        if (kind == FileKind.TEXT) {
            throw new IllegalArgumentException(file + ": a text file, not JSON records");
        }
        SkipLog log = new SkipLog(file, policy);
        try (BufferedReader in = DataFiles.open(file)) {
            if (kind == FileKind.JSON_ARRAY) {
                readArray(file, in, log, sink);
            } else {
                readLines(in, log, sink);
            }
        }
        return log.report();
    }

    private void readArray(Path file, BufferedReader in, SkipLog log, Consumer<? super T> sink) throws IOException {
        JsonArrayScanner scanner = new JsonArrayScanner(in, file);
        for (JsonArrayScanner.Element e = scanner.next(); e != null; e = scanner.next()) {
            handle(e.text(), e.line(), e.index(), log, sink);
        }
    }

    private void readLines(BufferedReader in, SkipLog log, Consumer<? super T> sink) throws IOException {
        long lineNumber = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNumber++;
            if (!line.isBlank()) {
                handle(line, lineNumber, -1, log, sink);
            }
        }
    }

    private void handle(String text, long line, long index, SkipLog log, Consumer<? super T> sink) {
        List<T> decoded;
        try {
            JsonElement element = parse(text);
            if (!element.isJsonObject()) {
                throw MalformedRecordException.of(Problem.NOT_AN_OBJECT,
                        "not a JSON object but " + JsonFields.typeOf(element));
            }
            decoded = decoder.decode(element.getAsJsonObject());
        } catch (MalformedRecordException e) {
            log.malformed(e, line, index);
            return;
        }
        decoded.forEach(sink);
        log.produced(decoded.size());
    }

    private static JsonElement parse(String text) {
        if (text.isBlank()) {
            throw MalformedRecordException.of(Problem.NOT_JSON, "not JSON: empty element");
        }
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw MalformedRecordException.of(Problem.NOT_JSON, "not JSON: extra text after the JSON value");
            }
            return element;
        } catch (JsonParseException | IOException e) {
            throw MalformedRecordException.of(Problem.NOT_JSON, "not JSON: " + shorten(e.getMessage()));
        }
    }

    private static String shorten(String gsonMessage) {
        if (gsonMessage == null) {
            return "unreadable JSON";
        }
        int see = gsonMessage.indexOf("\nSee ");
        return (see >= 0 ? gsonMessage.substring(0, see) : gsonMessage)
                .replaceFirst("^[\\w.]+Exception: ", "")
                .replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
    }
}
