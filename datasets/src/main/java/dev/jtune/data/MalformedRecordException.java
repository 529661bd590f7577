package dev.jtune.data;

import java.nio.file.Path;

/**
 * A record that cannot be read, with where it is and what is wrong: {@code file:line: reason}, with
 * {@code (record $[index])} after the line for records of a JSON array. Decoders throw it without a location
 * ({@link #of}); readers add the file, line and record index ({@link #at}).
 */
public final class MalformedRecordException extends RuntimeException {

    private final transient Path file;
    private final long line;
    private final long index;
    private final Problem problem;
    private final String detail;

    private MalformedRecordException(Path file, long line, long index, Problem problem, String detail) {
        super(format(file, line, index, problem, detail));
        this.file = file;
        this.line = line;
        this.index = index;
        this.problem = problem;
        this.detail = detail;
    }

    /** A problem found in a record whose location the caller will add; {@code detail} says what is wrong in words. */
    public static MalformedRecordException of(Problem problem, String detail) {
        return new MalformedRecordException(null, 0, -1, problem, detail);
    }

    /**
     * The same problem located in a file.
     *
     * @param line  1-based line where the record starts
     * @param index 0-based position of the record in a JSON array, or -1 where lines alone locate records
     */
    public MalformedRecordException at(Path file, long line, long index) {
        return new MalformedRecordException(file, line, index, problem, detail);
    }

    /** The file, or null when not yet located. */
    public Path file() {
        return file;
    }

    /** The 1-based line where the record starts, or 0 when not located. */
    public long line() {
        return line;
    }

    /** The 0-based index of the record in a JSON array, or -1. */
    public long index() {
        return index;
    }

    /** The category of the problem. */
    public Problem problem() {
        return problem;
    }

    /** The reason, without the location. */
    public String detail() {
        return detail;
    }

    private static String format(Path file, long line, long index, Problem problem, String detail) {
        StringBuilder sb = new StringBuilder();
        if (file != null) {
            sb.append(file).append(':').append(line);
            if (index >= 0) {
                sb.append(" (record $[").append(index).append("])");
            }
            sb.append(": ");
        }
        return sb.append(detail).toString();
    }
}
