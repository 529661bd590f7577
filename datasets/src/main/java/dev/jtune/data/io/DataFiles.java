package dev.jtune.data.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opening data files as UTF-8 text, decompressing {@code .gz} files on the way. */
public final class DataFiles {

    private DataFiles() {
    }

    /**
     * A reader over the file's text. Bytes that are not UTF-8 make reads fail rather than turn into U+FFFD.
     */
    public static BufferedReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            if (FileKind.isGzip(file)) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()), 1 << 16);
        } catch (IOException e) {
            in.close();
            throw new IOException(file + ": cannot open as gzip: " + e.getMessage(), e);
        }
    }
}
