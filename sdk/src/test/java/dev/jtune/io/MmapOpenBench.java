package dev.jtune.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Prints how long {@link SafetensorsFile#open} takes on a 1 GiB F32 file (8 tensors of 128 MiB) and how much the
 * process's resident memory grows before any tensor is touched. A command that prints figures, not a test:
 * {@code java -cp sdk/target/classes:sdk/target/test-classes:$(deps) dev.jtune.io.MmapOpenBench [dir]}.
 */
public final class MmapOpenBench {

    private static final int TENSORS = 8;
    private static final long TENSOR_BYTES = 128L << 20;

    private MmapOpenBench() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("mmap-bench");
        Path file = dir.resolve("bench-1gib.safetensors");
        try {
            write(file);
            System.gc();
            long rssBefore = rssKb();
            long t0 = System.nanoTime();
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                long openNs = System.nanoTime() - t0;
                long rssAfter = rssKb();
                System.out.printf("file: %s (%d bytes, %d tensors)%n", file, Files.size(file), f.names().size());
                System.out.printf("open: %.2f ms (first in this JVM, class loading included)%n", openNs / 1e6);
                System.out.printf("RSS before open: %.1f MB, after open: %.1f MB, growth: %.2f MB%n",
                        rssBefore / 1024.0, rssAfter / 1024.0, (rssAfter - rssBefore) / 1024.0);
            }
            long t1 = System.nanoTime();
            SafetensorsFile.open(file).close();
            System.out.printf("second open (classes loaded, page cache warm): %.2f ms%n",
                    (System.nanoTime() - t1) / 1e6);
        } finally {
            Files.deleteIfExists(file);
            if (args.length == 0) {
                Files.deleteIfExists(dir);
            }
        }
    }

    /** Writes the file in 1 MiB blocks, so building it does not itself fill the heap. */
    private static void write(Path file) throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long rows = TENSOR_BYTES / 4 / 1024;
        for (int i = 0; i < TENSORS; i++) {
            header.append(String.format(",\"t%d\":{\"dtype\":\"F32\",\"shape\":[%d,1024],\"data_offsets\":[%d,%d]}",
                    i, rows, i * TENSOR_BYTES, (i + 1) * TENSOR_BYTES));
        }
        header.append('}');
        while (header.length() % 8 != 0) {
            header.append(' ');
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(json.length).put(json).flip();
            ch.write(head);
            ByteBuffer block = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < block.capacity() / 4; i++) {
                block.putFloat(i * 1e-3f);
            }
            for (long written = 0; written < TENSORS * TENSOR_BYTES; written += block.capacity()) {
                block.clear();
                while (block.hasRemaining()) {
                    ch.write(block);
                }
            }
        }
    }

    /** VmRSS of this process in kB, from /proc/self/status (Linux). */
    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
