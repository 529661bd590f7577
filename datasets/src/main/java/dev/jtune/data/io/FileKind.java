package dev.jtune.data.io;

import java.nio.file.Path;
import java.util.Locale;

/** How a data file holds its records, told by its extension; a trailing {@code .gz} means gzip around it. */
public enum FileKind {
    /** {@code .json}: one JSON array of records. */
    JSON_ARRAY,
    /** {@code .jsonl} or {@code .ndjson}: one JSON record per line. */
    JSON_LINES,
    /** {@code .txt}: plain-text documents separated by a blank line or a given separator. */
    TEXT;

    /**
     * The kind of a file by its name.
     *
     * @throws IllegalArgumentException for an extension none of the readers know
     */
    public static FileKind of(Path file) {
        String name = baseName(file);
        if (name.endsWith(".json")) {
            return JSON_ARRAY;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JSON_LINES;
        }
        if (name.endsWith(".txt")) {
            return TEXT;
        }
        throw new IllegalArgumentException(file + ": unknown data file extension"
                + " (expected .json, .jsonl, .ndjson or .txt, each optionally followed by .gz)");
    }

    /** Whether the file is gzip-compressed, by its {@code .gz} extension. */
    public static boolean isGzip(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return isGzip(file) ? name.substring(0, name.length() - 3) : name;
    }
}
