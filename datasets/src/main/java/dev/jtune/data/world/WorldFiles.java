package dev.jtune.data.world;

import com.google.gson.stream.JsonWriter;
import dev.jtune.data.Conversation;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.TextDocument;
import dev.jtune.data.Turn;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Function;

/** Renders a world's data as the files the readers of this module read, and writes each through a temporary file. */
final class WorldFiles {

    private WorldFiles() {
    }

    /** Documents separated by one blank line, as {@link dev.jtune.data.io.DocumentReader} splits them. */
    static String corpus(List<TextDocument> docs) {
        return String.join("\n\n", docs.stream().map(TextDocument::text).toList()) + "\n";
    }

    /** One {@code {"messages": [{"role", "content"}, ...]}} object a line. */
    static String conversations(List<Conversation> conversations) {
        return lines(conversations, c -> json(w -> {
            w.name("messages").beginArray();
            for (Turn t : c.turns()) {
                w.beginObject().name("role").value(t.role().id()).name("content").value(t.content()).endObject();
            }
            w.endArray();
        }));
    }

    /** One {@code {"prompt", "answer"}} object a line, the answer being the ideal reply. */
    static String questions(List<Question> questions) {
        return lines(questions, q -> json(w -> w.name("prompt").value(q.prompt()).name("answer").value(q.answer())));
    }

    /** One {@code {"prompt", "chosen", "rejected", "margin"}} object a line; the prompt is the user's text. */
    static String preferences(List<PreferencePair> pairs) {
        return lines(pairs, p -> json(w -> w.name("prompt").value(p.prompt().get(0).content())
                .name("chosen").value(p.chosen()).name("rejected").value(p.rejected())
                .name("margin").value(p.margin())));
    }

    /** Writes {@code text} as UTF-8 to a temporary file beside {@code target}, then renames it into place. */
    static void writeAtomically(Path target, String text) throws IOException {
        Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static <T> String lines(List<T> items, Function<T, String> line) {
        StringBuilder out = new StringBuilder();
        items.forEach(item -> out.append(line.apply(item)).append('\n'));
        return out.toString();
    }

    /** The fields {@code body} writes, as one JSON object on one line. */
    private static String json(Body body) {
        StringWriter out = new StringWriter();
        try (JsonWriter w = new JsonWriter(out)) {
            w.beginObject();
            body.write(w);
            w.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string", e);
        }
        return out.toString();
    }

    private interface Body {
        void write(JsonWriter w) throws IOException;
    }
}
