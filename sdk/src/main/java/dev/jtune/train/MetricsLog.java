package dev.jtune.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code metrics.jsonl}: one JSON object per line, each with a {@code step}; nulls are written, not dropped. */
public final class MetricsLog {

    private static final Gson GSON = new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues()
            .create();

    private final Path file;

    /** The log at {@code file}; nothing is written until {@link #append}. */
    public MetricsLog(Path file) {
        this.file = file;
    }

    /** The file this log writes. */
    public Path file() {
        return file;
    }

    /** Appends one row and flushes it, so the file is readable while the run goes on. */
    public void append(Map<String, Object> row) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(GSON.toJson(row));
            w.write('\n');
        }
    }

    /**
     * Drops the rows after {@code step} (rows a crashed run logged past the checkpoint it resumes from), replacing
     * the file atomically.
     */
    public void truncateAfter(int step) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && parse(line).get("step").getAsInt() <= step) {
                kept.add(line);
            }
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Every row of a metrics file, in order. */
    public static List<JsonObject> read(Path file) throws IOException {
        List<JsonObject> rows = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                rows.add(parse(line));
            } catch (JsonSyntaxException | IllegalStateException e) {
                throw new IOException(file + ":" + n + ": not a JSON object: " + e.getMessage(), e);
            }
        }
        return rows;
    }

    private static JsonObject parse(String line) {
        JsonObject row = JsonParser.parseString(line).getAsJsonObject();
        if (!row.has("step")) {
            throw new IllegalStateException("row has no step");
        }
        return row;
    }
}
