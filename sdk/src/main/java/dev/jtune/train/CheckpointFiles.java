package dev.jtune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tensor files inside a checkpoint: FLOAT32 arrays only, laid out as safetensors (an 8-byte little-endian header
 * length, a JSON header of dtype / shape / data offsets, then the raw little-endian data), so other tools can read
 * them. Kept minimal and in one place so that the project's general safetensors reader and writer can replace it.
 */
final class CheckpointFiles {

    private static final int CHUNK = 1 << 20;

    private CheckpointFiles() {
    }

    /** Writes {@code tensors} (FLOAT32) to {@code file}, sorted by name. */
    static void write(Path file, Map<String, NDArray> tensors) throws IOException {
        Map<String, NDArray> sorted = new TreeMap<>(tensors);
        JsonObject header = new JsonObject();
        long offset = 0;
        for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
            NDArray a = e.getValue();
            if (a.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("checkpoint tensor '" + e.getKey() + "' is " + a.getDataType()
                        + "; only FLOAT32 is stored");
            }
            JsonObject info = new JsonObject();
            info.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            info.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += a.size() * Float.BYTES;
            offsets.add(offset);
            info.add("data_offsets", offsets);
            header.add(e.getKey(), info);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (NDArray a : sorted.values()) {
                for (float f : a.toFloatArray()) {
                    if (!buf.hasRemaining()) {
                        buf.flip();
                        writeFully(ch, buf);
                        buf.clear();
                    }
                    buf.putFloat(f);
                }
            }
            buf.flip();
            writeFully(ch, buf);
            ch.force(true);
        }
    }

    /** Reads every tensor of {@code file} into {@code manager}, in file order. */
    static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, file);
            long headerLength = len.flip().getLong();
            if (headerLength < 2 || headerLength > ch.size() - 8 || headerLength > Integer.MAX_VALUE) {
                throw new IOException(file + ": bad header length " + headerLength);
            }
            ByteBuffer head = ByteBuffer.allocate((int) headerLength);
            readFully(ch, head, file);
            JsonObject header = JsonParser.parseString(new String(head.array(), StandardCharsets.UTF_8))
                    .getAsJsonObject();
            long dataStart = 8 + headerLength;
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonObject info = e.getValue().getAsJsonObject();
                if (!"F32".equals(info.get("dtype").getAsString())) {
                    throw new IOException(file + ": tensor '" + e.getKey() + "' is " + info.get("dtype")
                            + "; checkpoints hold F32 only");
                }
                JsonArray dims = info.getAsJsonArray("shape");
                long[] shape = new long[dims.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = dims.get(i).getAsLong();
                    count *= shape[i];
                }
                JsonArray off = info.getAsJsonArray("data_offsets");
                long begin = off.get(0).getAsLong();
                long end = off.get(1).getAsLong();
                if (begin < 0 || end - begin != count * Float.BYTES || dataStart + end > ch.size()
                        || end - begin > Integer.MAX_VALUE - 8) {
                    throw new IOException(file + ": tensor '" + e.getKey() + "' has offsets [" + begin + ", " + end
                            + ") that do not fit shape " + dims + " or the file size " + ch.size());
                }
                ByteBuffer data = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
                ch.position(dataStart + begin);
                readFully(ch, data, file);
                float[] values = new float[(int) count];
                data.flip().asFloatBuffer().get(values);
                out.put(e.getKey(), manager.create(values, new Shape(shape)));
            }
            return out;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, Path file) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException(file + ": truncated");
            }
        }
    }
}
