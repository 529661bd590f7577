package dev.jtune.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes tensors as safetensors the way Hugging Face does: tensors sorted by name, {@code __metadata__
 * {"format":"pt"}}, the JSON header padded with spaces to a multiple of 8 bytes, data contiguous in header order.
 * F16 and BF16 are rounded from float to nearest even. Every file is written under a temporary name in the same
 * directory, forced to disk and renamed into place, so a failure (a full disk included) never leaves a
 * half-written file at the final name.
 */
public final class SafetensorsWriter {

    /** The single-file name of an HF checkpoint. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** The index that names the shards of a sharded HF checkpoint. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final int ELEMENTS_PER_WRITE = 1 << 20;

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} to {@code file} in {@code dtype} (F32, F16 or BF16). */
    public static void write(Path file, Map<String, ? extends TensorData> tensors, DType dtype) throws IOException {
        checkDtype(dtype);
        writeFile(file, sorted(tensors), dtype);
    }

    /**
     * Writes {@code tensors} into directory {@code dir} as HF does: {@code model.safetensors} when they fit
     * {@code maxShardBytes}, else {@code model-0000K-of-0000N.safetensors} shards (filled in name order, a tensor
     * larger than the limit alone in its shard) plus {@code model.safetensors.index.json}, written last. A stale
     * single file or index of the other layout left in {@code dir} is removed, so the directory reads back as
     * written. Returns the weight files written.
     */
    public static List<Path> writeSharded(Path dir, Map<String, ? extends TensorData> tensors, DType dtype,
                                          long maxShardBytes) throws IOException {
        checkDtype(dtype);
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        SortedMap<String, TensorData> all = sorted(tensors);
        List<SortedMap<String, TensorData>> shards = new ArrayList<>();
        SortedMap<String, TensorData> current = new TreeMap<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (Map.Entry<String, TensorData> e : all.entrySet()) {
            long bytes = byteSize(e.getValue().shape(), dtype);
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new TreeMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += bytes;
            totalBytes += bytes;
        }
        shards.add(current);
        Files.createDirectories(dir);
        if (shards.size() == 1) {
            Path file = dir.resolve(SINGLE_FILE);
            writeFile(file, all, dtype);
            Files.deleteIfExists(dir.resolve(INDEX_FILE));
            return List.of(file);
        }
        List<Path> files = new ArrayList<>();
        JsonObject weightMap = new JsonObject();
        for (int k = 0; k < shards.size(); k++) {
            String name = String.format("model-%05d-of-%05d.safetensors", k + 1, shards.size());
            Path file = dir.resolve(name);
            writeFile(file, shards.get(k), dtype);
            files.add(file);
            shards.get(k).keySet().forEach(tensor -> weightMap.addProperty(tensor, name));
        }
        JsonObject metadata = new JsonObject();
        metadata.addProperty("total_size", totalBytes);
        JsonObject index = new JsonObject();
        index.add("metadata", metadata);
        index.add("weight_map", weightMap);
        byte[] json = (new GsonBuilder().setPrettyPrinting().create().toJson(index) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        atomically(dir.resolve(INDEX_FILE), channel -> writeFully(channel, ByteBuffer.wrap(json)));
        Files.deleteIfExists(dir.resolve(SINGLE_FILE));
        return files;
    }

    private static void writeFile(Path file, SortedMap<String, TensorData> tensors, DType dtype) throws IOException {
        JsonObject header = new JsonObject();
        JsonObject metadata = new JsonObject();
        metadata.addProperty("format", "pt");
        header.add("__metadata__", metadata);
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            long[] shape = e.getValue().shape();
            long end = offset + byteSize(shape, dtype);
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", dtype.name());
            JsonArray dims = new JsonArray();
            Arrays.stream(shape).forEach(dims::add);
            entry.add("shape", dims);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(end);
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
            offset = end;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        atomically(file, channel -> {
            writeFully(channel, head.flip());
            for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
                writeValues(channel, e.getKey(), e.getValue(), dtype);
            }
        });
    }

    private static void writeValues(FileChannel channel, String name, TensorData tensor, DType dtype)
            throws IOException {
        long[] shape = tensor.shape();
        float[] values = tensor.floats();
        if (values.length != byteSize(shape, DType.F32) / 4) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
                    + " does not match its " + values.length + " values");
        }
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(values.length, ELEMENTS_PER_WRITE) * dtype.bytes())
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int first = 0; first < values.length; first += ELEMENTS_PER_WRITE) {
            int n = Math.min(ELEMENTS_PER_WRITE, values.length - first);
            buffer.clear();
            for (int i = first; i < first + n; i++) {
                switch (dtype) {
                    case F32 -> buffer.putFloat(values[i]);
                    case F16 -> buffer.putShort(HalfFloats.floatToF16(values[i]));
                    case BF16 -> buffer.putShort(HalfFloats.floatToBf16(values[i]));
                    default -> throw new AssertionError(dtype);
                }
            }
            writeFully(channel, buffer.flip());
        }
    }

    /** Runs {@code body} on a temporary file beside {@code file}, then forces it and renames it to {@code file}. */
    private static void atomically(Path file, ChannelWriter body) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(channel);
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static long byteSize(long[] shape, DType dtype) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        return Math.multiplyExact(count, (long) dtype.bytes());
    }

    private static SortedMap<String, TensorData> sorted(Map<String, ? extends TensorData> tensors) {
        SortedMap<String, TensorData> out = new TreeMap<>();
        tensors.forEach((name, tensor) -> {
            if (name.isEmpty() || name.equals("__metadata__")) {
                throw new IllegalArgumentException("invalid tensor name '" + name + "'");
            }
            out.put(name, tensor);
        });
        return out;
    }

    private static void checkDtype(DType dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("the writer stores F32, F16 or BF16, not " + dtype);
        }
    }

    /** Writes a file's content to an open channel. */
    private interface ChannelWriter {
        void write(FileChannel channel) throws IOException;
    }
}
