package dev.jtune.data.corpus;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Putting a finished temporary file in place under its final name in one step. */
final class AtomicFiles {

    private AtomicFiles() {
    }

    /** A temporary file beside {@code target}, for writing before {@link #commit}. */
    static Path temporaryFor(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    }

    /** Renames {@code temp} to {@code target}, atomically where the file system can. */
    static void commit(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes a small text file through a temporary file. */
    static void writeString(Path target, String text) throws IOException {
        Path temp = temporaryFor(target);
        try {
            Files.writeString(temp, text);
            commit(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
