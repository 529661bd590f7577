package dev.jtune.io;

import dev.jtune.model.LlamaConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builders of checkpoint files byte by byte, for tests that need exact or deliberately broken content. */
final class RawFiles {

    private RawFiles() {
    }

    /** A safetensors file with this exact header text (no padding) and data section. */
    static Path safetensors(Path file, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return bytes(file, ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).put(data).array());
    }

    static Path bytes(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, content);
    }

    /** Every tensor {@code config} needs, filled with {@code 0.01 * i} at flat index {@code i}. */
    static Map<String, HostTensor> tensorsFor(LlamaConfig config) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        LlamaLayout.expectedShapes(config).forEach((name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = 0.01f * i;
            }
            out.put(name, new HostTensor(v, shape));
        });
        return out;
    }

    /** A llama2.c header then {@code floats} float32 values, value {@code i} being {@code i}. */
    static Path llama2c(Path file, int[] header, long floats) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * header.length + (int) (4 * floats)).order(ByteOrder.LITTLE_ENDIAN);
        for (int h : header) {
            b.putInt(h);
        }
        for (int i = 0; i < floats; i++) {
            b.putFloat(i);
        }
        return bytes(file, b.array());
    }

    /** How many floats a llama2.c file with this header holds after it. */
    static long llama2cFloats(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen) {
        long hd = dim / heads;
        long kv = kvHeads * hd;
        long perLayer = 2L * dim + 2L * dim * dim + 2L * kv * dim + 3L * dim * hidden;
        return (long) Math.abs(vocab) * dim * (vocab < 0 ? 2 : 1) + layers * perLayer + dim + seqLen * hd;
    }
}
