package dev.jtune.data.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Cuts plain text into documents, streaming: at runs of blank lines, or at every occurrence of a separator string.
 * Documents are stripped of surrounding whitespace; empty ones are dropped.
 */
final class TextSplitter {

    private final String separator;

    /** @param separator the string between documents, or null to split at blank lines */
    TextSplitter(String separator) {
        if (separator != null && separator.isEmpty()) {
            throw new IllegalArgumentException("the document separator must not be empty");
        }
        this.separator = separator;
    }

    /** Sends each document to {@code sink}, in order. */
    void split(BufferedReader in, Consumer<String> sink) throws IOException {
        StringBuilder doc = new StringBuilder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (separator == null) {
                if (line.isBlank()) {
                    emit(doc, sink);
                } else {
                    doc.append(line).append('\n');
                }
                continue;
            }
            int searchFrom = Math.max(0, doc.length() - separator.length() + 1);
            doc.append(line).append('\n');
            for (int at = doc.indexOf(separator, searchFrom); at >= 0; at = doc.indexOf(separator)) {
                String rest = doc.substring(at + separator.length());
                doc.setLength(at);
                emit(doc, sink);
                doc.append(rest);
            }
        }
        emit(doc, sink);
    }

    private static void emit(StringBuilder doc, Consumer<String> sink) {
        String text = doc.toString().strip();
        doc.setLength(0);
        if (!text.isEmpty()) {
            sink.accept(text);
        }
    }
}
