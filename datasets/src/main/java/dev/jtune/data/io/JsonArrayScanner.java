package dev.jtune.data.io;

import dev.jtune.data.MalformedRecordException;
import dev.jtune.data.Problem;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * Splits a top-level JSON array into the text of its elements without parsing them, so each element can be parsed
 * (and fail) on its own and be reported with the line where it starts. Holds one element in memory at a time.
 * A broken array structure (no opening bracket, end of file inside the array) is fatal whatever the error policy.
 */
final class JsonArrayScanner {

    /** One element's text, the 1-based line where it starts and its 0-based index. */
    record Element(String text, long line, long index) {
    }

    private final Reader in;
    private final Path file;
    private long line = 1;
    private long index;
    private int pushedBack = -2;
    private boolean started;
    private boolean finished;

    JsonArrayScanner(Reader in, Path file) {
        this.in = in;
        this.file = file;
    }

    /** The next element, or null after the last. */
    Element next() throws IOException {
        if (finished) {
            return null;
        }
        if (!started) {
            started = true;
            int c = skipWhitespace();
            if (c != '[') {
                throw fatal(c == -1 ? "the file is empty" : "expected a JSON array starting with '[', found '"
                        + (char) c + "'");
            }
            c = skipWhitespace();
            if (c == ']') {
                return finish();
            }
            pushedBack = c;
        }
        int first = skipWhitespace();
        long startLine = line;
        StringBuilder text = new StringBuilder();
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        int c = first;
        while (true) {
            if (c == -1) {
                throw fatal("end of file inside the JSON array (element $[" + index + "] starting at line "
                        + startLine + " is not closed)");
            }
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && depth > 0) {
                depth--;
            } else if (depth == 0 && (c == ',' || c == ']')) {
                Element element = new Element(text.toString().strip(), startLine, index++);
                if (c == ']') {
                    finish();
                }
                return element;
            }
            text.append((char) c);
            c = read();
        }
    }

    private Element finish() throws IOException {
        finished = true;
        int c = skipWhitespace();
        if (c != -1) {
            throw fatal("unexpected '" + (char) c + "' after the end of the JSON array");
        }
        return null;
    }

    private int skipWhitespace() throws IOException {
        int c = read();
        while (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF') {
            c = read();
        }
        return c;
    }

    private int read() throws IOException {
        int c;
        if (pushedBack != -2) {
            c = pushedBack;
            pushedBack = -2;
            return c;
        }
        c = in.read();
        if (c == '\n') {
            line++;
        }
        return c;
    }

    private MalformedRecordException fatal(String detail) {
        return MalformedRecordException.of(Problem.NOT_JSON, "not a JSON array: " + detail).at(file, line, -1);
    }
}
