package dev.jtune.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsRoundTripTest {

    @TempDir
    Path tmp;

    /** Random tensors of a few shapes, plus values that exercise rounding, range and subnormals. */
    private static Map<String, HostTensor> sample(long seed) {
        Random r = new Random(seed);
        Map<String, HostTensor> m = new TreeMap<>();
        long[][] shapes = {{7, 5}, {13}, {3, 4, 6}, {1}, {0, 4}, {}, {33, 9}};
        for (int i = 0; i < shapes.length; i++) {
            long n = 1;
            for (long d : shapes[i]) {
                n *= d;
            }
            float[] v = new float[(int) n];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) r.nextGaussian() * (j % 3 == 0 ? 1e-6f : 3f);
            }
            m.put("t" + i + ".weight", new HostTensor(v, shapes[i]));
        }
        m.put("special", new HostTensor(new float[] {1.0f, -2.5f, 65504f, 0x1p-24f, 1.00390625f, 1e-30f, -0.0f, 7e4f},
                new long[] {8}));
        return m;
    }

    /** What a float reads back as after being stored in {@code dtype}. */
    private static float stored(float f, DType dtype) {
        return switch (dtype) {
            case F16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(f));
            case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(f));
            default -> f;
        };
    }

    private static void assertReadsBack(Map<String, HostTensor> written, TensorSource source, DType dtype) {
        assertEquals(written.keySet(), source.names());
        for (Map.Entry<String, HostTensor> e : written.entrySet()) {
            TensorInfo info = source.info(e.getKey());
            assertEquals(dtype, info.dtype());
            assertArrayEquals(e.getValue().shape(), info.shape(), e.getKey());
            float[] expected = e.getValue().data().clone();
            for (int i = 0; i < expected.length; i++) {
                expected[i] = stored(expected[i], dtype);
            }
            assertArrayEquals(expected, source.readFloats(e.getKey()), e.getKey());
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void oneFileRoundTrip(DType dtype) throws IOException {
        Map<String, HostTensor> tensors = sample(dtype.ordinal());
        Path file = tmp.resolve("x.safetensors");
        SafetensorsWriter.write(file, tensors, dtype);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertReadsBack(tensors, f, dtype);
        }
        assertEquals(List.of(file), listDir(tmp), "no temporary file left behind");
    }

    @Test
    void handComputedStoredValues() throws IOException {
        Map<String, HostTensor> t = Map.of("v", new HostTensor(
                new float[] {1.0f, -2.5f, 65504f, 0x1p-24f, 1.00390625f, 1.01171875f}, new long[] {6}));
        Path f16 = tmp.resolve("f16.safetensors");
        Path bf16 = tmp.resolve("bf16.safetensors");
        SafetensorsWriter.write(f16, t, DType.F16);
        SafetensorsWriter.write(bf16, t, DType.BF16);
        try (SafetensorsFile a = SafetensorsFile.open(f16); SafetensorsFile b = SafetensorsFile.open(bf16)) {
            assertArrayEquals(new float[] {1.0f, -2.5f, 65504f, 0x1p-24f, 1.00390625f, 1.01171875f}, a.readFloats("v"),
                    "all six are exact in F16");
            assertArrayEquals(new float[] {1.0f, -2.5f, 65536f, 0x1p-24f, 1.0f, 1.015625f}, b.readFloats("v"),
                    "BF16: 65504 needs 11 significant bits, rounds to 2^16; 1+2^-8 ties down to 1, 1+3*2^-8 up");
        }
        ByteBuffer data = dataSection(f16);
        assertEquals(0x3c00, data.getShort(0) & 0xffff);
        assertEquals(0xc100, data.getShort(2) & 0xffff);
        assertEquals(0x7bff, data.getShort(4) & 0xffff);
        assertEquals(0x0001, data.getShort(6) & 0xffff);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void headerIsPaddedSortedAndTaggedPt(DType dtype) throws IOException {
        Path file = tmp.resolve("h.safetensors");
        SafetensorsWriter.write(file, sample(1), dtype);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        assertEquals(0, n % 8, "header length is a multiple of 8");
        String header = new String(Files.readAllBytes(file), 8, (int) n, StandardCharsets.UTF_8);
        JsonObject json = JsonParser.parseString(header).getAsJsonObject();
        assertEquals("pt", json.getAsJsonObject("__metadata__").get("format").getAsString());
        List<String> names = json.keySet().stream().filter(k -> !k.equals("__metadata__")).toList();
        assertEquals(names.stream().sorted().toList(), names, "tensors sorted by name");
        long offset = 0;
        for (String name : names) {
            var offsets = json.getAsJsonObject(name).getAsJsonArray("data_offsets");
            assertEquals(offset, offsets.get(0).getAsLong(), "contiguous offsets");
            offset = offsets.get(1).getAsLong();
        }
        assertEquals(Files.size(file), 8 + n + offset, "data ends at the end of the file");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void shardedRoundTrip(DType dtype) throws IOException {
        Map<String, HostTensor> tensors = sample(10 + dtype.ordinal());
        Path dir = tmp.resolve("model");
        List<Path> files = SafetensorsWriter.writeSharded(dir, tensors, dtype, 200);
        assertTrue(files.size() >= 3, "forced into at least 3 shards, got " + files.size());
        for (int k = 0; k < files.size(); k++) {
            assertEquals(String.format("model-%05d-of-%05d.safetensors", k + 1, files.size()),
                    files.get(k).getFileName().toString());
        }
        JsonObject index = JsonParser.parseString(
                Files.readString(dir.resolve("model.safetensors.index.json"))).getAsJsonObject();
        assertEquals(tensors.keySet(), index.getAsJsonObject("weight_map").keySet());
        long total = 0;
        for (HostTensor t : tensors.values()) {
            total += (long) t.data().length * dtype.bytes();
        }
        assertEquals(total, index.getAsJsonObject("metadata").get("total_size").getAsLong());
        assertFalse(Files.exists(dir.resolve("model.safetensors")));
        try (TensorSource source = HfCheckpoint.openWeights(dir)) {
            assertReadsBack(tensors, source, dtype);
        }
    }

    @Test
    void everythingInOneShardIsASingleFileWithoutIndex() throws IOException {
        Path dir = tmp.resolve("one");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{}"); // stale, from an earlier sharded write
        List<Path> files = SafetensorsWriter.writeSharded(dir, sample(3), DType.F32, 1L << 30);
        assertEquals(List.of(dir.resolve("model.safetensors")), files);
        assertFalse(Files.exists(dir.resolve("model.safetensors.index.json")));
    }

    @Test
    void tensorsCrossingMappingWindowsReadWhole() throws IOException {
        Map<String, HostTensor> tensors = sample(5);
        for (DType dtype : List.of(DType.F32, DType.F16, DType.BF16)) {
            Path file = tmp.resolve(dtype + ".safetensors");
            SafetensorsWriter.write(file, tensors, dtype);
            try (SafetensorsFile f = SafetensorsFile.open(file, 24); NDManager manager = NDManager.newBaseManager()) {
                assertReadsBack(tensors, f, dtype);
                for (String name : f.names()) {
                    NDArray a = f.load(name, manager);
                    assertEquals(DataType.FLOAT32, a.getDataType());
                    assertEquals(new Shape(f.info(name).shape()), a.getShape(), name);
                    assertArrayEquals(f.readFloats(name), a.toFloatArray(), name);
                }
            }
        }
    }

    @Test
    void loadsAreCopiesThatOutliveTheFile() throws IOException {
        Path file = tmp.resolve("c.safetensors");
        SafetensorsWriter.write(file, Map.of("w", new HostTensor(new float[] {1, 2, 3, 4}, new long[] {2, 2})),
                DType.F32);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray first;
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                first = f.load("w", manager);
                first.addi(10); // in place: must neither crash nor reach the mapping
                assertArrayEquals(new float[] {1, 2, 3, 4}, f.load("w", manager).toFloatArray());
                assertArrayEquals(new float[] {1, 2, 3, 4}, f.readFloats("w"));
            }
            assertArrayEquals(new float[] {11, 12, 13, 14}, first.toFloatArray(), "valid after close");
        }
        assertArrayEquals(new float[] {1, 2, 3, 4}, floats(dataSection(file), 4), "file unchanged");
    }

    @Test
    void writesNDArrays() throws IOException {
        Path file = tmp.resolve("nd.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.arange(12f).reshape(3, 4);
            SafetensorsWriter.write(file, TensorData.of(Map.of("a", a)), DType.BF16);
            assertThrows(IllegalArgumentException.class, () -> TensorData.of(manager.arange(3))); // INT32
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new long[] {3, 4}, f.info("a").shape());
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, f.readFloats("a"));
        }
    }

    @Test
    void readsIntegerTensorsAsInt64AndInt32() throws IOException {
        Path file = tmp.resolve("ints.safetensors");
        String header = "{\"a\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[24,32]}}";
        ByteBuffer data = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(-1).putLong(1L << 40).putLong(7).putInt(-5).putInt(123456);
        RawFiles.safetensors(file, header, data.array());
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager manager = NDManager.newBaseManager()) {
            NDArray a = f.load("a", manager);
            assertEquals(DataType.INT64, a.getDataType());
            assertArrayEquals(new long[] {-1, 1L << 40, 7}, a.toLongArray());
            NDArray b = f.load("b", manager);
            assertEquals(DataType.INT32, b.getDataType());
            assertArrayEquals(new int[] {-5, 123456}, b.toIntArray());
            assertThrows(IllegalArgumentException.class, () -> f.readFloats("a"));
        }
    }

    @Test
    void aFailedWriteLeavesNothingAtTheFinalName() throws IOException {
        Path file = tmp.resolve("fail.safetensors");
        TensorData broken = new TensorData() {
            @Override
            public long[] shape() {
                return new long[] {4};
            }

            @Override
            public float[] floats() {
                throw new IllegalStateException("device lost");
            }
        };
        Map<String, TensorData> tensors = new TreeMap<>(Map.of("a", new HostTensor(new float[] {1}, new long[] {1}),
                "b", broken));
        assertThrows(IllegalStateException.class, () -> SafetensorsWriter.write(file, tensors, DType.F32));
        assertEquals(List.of(), listDir(tmp), "neither the final file nor a temporary one");
    }

    private static List<Path> listDir(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static ByteBuffer dataSection(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        return b.position((int) (8 + n)).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static float[] floats(ByteBuffer b, int n) {
        float[] out = new float[n];
        b.asFloatBuffer().get(out);
        return out;
    }
}
