package dev.jtune.io;

import dev.jtune.model.LlamaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken files and directories: each must give an InvalidCheckpointException naming the file and the reason. */
class BadInputTest {

    /** A tiny untied model: vocab 16, hidden 8, ffn 12, 2 layers, 2 heads, 1 kv head. */
    static final LlamaConfig TINY = LlamaConfig.of(16, 8, 12, 2, 2, 1, 32);

    @TempDir
    Path tmp;

    /** Makes a broken input under a directory and returns the path to open. */
    interface Maker {
        Path make(Path dir) throws IOException;
    }

    /**
     * @param opensAs   "st" opens with SafetensorsFile, else with Checkpoints
     * @param named     file or directory name the message must contain
     * @param keyword   the reason the message must contain
     */
    record Case(String label, String opensAs, Maker maker, String named, String keyword) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        String f32x4 = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        byte[] data16 = new byte[16];
        return Stream.of(
                st("empty file", d -> RawFiles.bytes(d.resolve("empty.safetensors"), new byte[0]), "too short"),
                st("shorter than 8 bytes", d -> RawFiles.bytes(d.resolve("short.safetensors"), new byte[5]),
                        "too short"),
                st("header length past end", d -> RawFiles.bytes(d.resolve("past.safetensors"),
                        le(1000, "{}")), "past the end of the file"),
                st("header length u64 max", d -> RawFiles.bytes(d.resolve("huge.safetensors"),
                        le(-1, "{}")), "past the end of the file"),
                st("header length 0", d -> RawFiles.bytes(d.resolve("zero.safetensors"), le(0, "{}")),
                        "header length is 0"),
                st("header not JSON", d -> RawFiles.safetensors(d.resolve("nojson.safetensors"), "{not json", data16),
                        "not valid JSON"),
                st("header not UTF-8", d -> RawFiles.bytes(d.resolve("latin.safetensors"),
                        ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(4)
                                .put(new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}).array()), "UTF-8"),
                st("header JSON array", d -> RawFiles.safetensors(d.resolve("array.safetensors"), "[1,2]", data16),
                        "not a JSON object"),
                st("entry missing dtype", d -> RawFiles.safetensors(d.resolve("nodtype.safetensors"),
                        "{\"w\":{\"shape\":[4],\"data_offsets\":[0,16]}}", data16), "missing dtype"),
                st("unknown dtype F8_E4M3", d -> RawFiles.safetensors(d.resolve("f8.safetensors"),
                        f32x4.replace("F32", "F8_E4M3"), data16), "unsupported dtype F8_E4M3"),
                st("unknown dtype Q4", d -> RawFiles.safetensors(d.resolve("q4.safetensors"),
                        f32x4.replace("F32", "Q4"), data16), "unsupported dtype Q4"),
                st("negative shape dim", d -> RawFiles.safetensors(d.resolve("neg.safetensors"),
                        f32x4.replace("[2,2]", "[-2,-2]"), data16), "negative"),
                st("fractional shape dim", d -> RawFiles.safetensors(d.resolve("frac.safetensors"),
                        f32x4.replace("[2,2]", "[2.5,2]"), data16), "not a non-negative integer"),
                st("span does not match shape", d -> RawFiles.safetensors(d.resolve("span.safetensors"),
                        f32x4.replace("[2,2]", "[2,3]"), new byte[24]), "does not match shape"),
                st("offsets begin > end", d -> RawFiles.safetensors(d.resolve("backwards.safetensors"),
                        f32x4.replace("[0,16]", "[16,0]"), data16), "begin 16 > end 0"),
                st("offsets past data end", d -> RawFiles.safetensors(d.resolve("offpast.safetensors"),
                        f32x4.replace("[0,16]", "[1000,1016]"), data16), "past the end of the data section"),
                st("overlapping offsets", d -> RawFiles.safetensors(d.resolve("overlap.safetensors"),
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", data16),
                        "overlap"),
                st("data_offsets wrong arity", d -> RawFiles.safetensors(d.resolve("arity.safetensors"),
                        f32x4.replace("[0,16]", "[0,8,16]"), data16), "[begin, end]"),
                st("truncated data section", d -> RawFiles.safetensors(d.resolve("trunc.safetensors"), f32x4,
                        new byte[10]), "truncated"),
                st("__metadata__ not string to string", d -> RawFiles.safetensors(d.resolve("meta.safetensors"),
                        "{\"__metadata__\":{\"format\":1}}", new byte[0]), "__metadata__"),
                ck("llama2c truncated", d -> RawFiles.llama2c(d.resolve("trunc.bin"),
                        new int[] {8, 12, 2, 2, 1, 16, 32}, RawFiles.llama2cFloats(8, 12, 2, 2, 1, 16, 32) - 3), "trunc.bin", "truncated"),
                ck("llama2c zero dims", d -> RawFiles.llama2c(d.resolve("zero.bin"), new int[] {0, 12, 2, 2, 1, 16, 32},
                        100), "zero.bin", "bad header"),
                ck("llama2c negative dims", d -> RawFiles.llama2c(d.resolve("negative.bin"),
                        new int[] {8, -12, 2, 2, 1, 16, 32}, 100), "negative.bin", "bad header"),
                ck("llama2c heads not dividing dim", d -> RawFiles.llama2c(d.resolve("heads.bin"),
                        new int[] {9, 12, 2, 2, 1, 16, 32}, 100), "heads.bin", "bad header"),
                ck("llama2c shorter than header", d -> RawFiles.bytes(d.resolve("tiny.bin"), new byte[12]),
                        "tiny.bin", "shorter"),
                ck("config.json not JSON", d -> model(d, m -> Files.writeString(m.resolve("config.json"), "{oops")),
                        "config.json", "not valid JSON"),
                ck("config missing hidden_size", d -> model(d, m -> Files.writeString(m.resolve("config.json"),
                        TINY.toJson().replace("\"hidden_size\"", "\"hidden_sizes\""))), "config.json", "hidden_size"),
                ck("missing tensor for the config", d -> model(d, m -> rewrite(m, w -> w.remove("lm_head.weight"))),
                        "model", "missing tensor lm_head.weight"),
                ck("wrong shape for the config", d -> model(d, m -> rewrite(m, w -> w.put(
                        "model.layers.1.self_attn.k_proj.weight", new HostTensor(new float[32], new long[] {8, 4})))),
                        "model", "wrong shape"),
                ck("index naming a missing shard", d -> sharded(d, m -> Files.delete(
                        m.resolve("model-00002-of-00003.safetensors"))), "model-00002-of-00003.safetensors", "missing"),
                ck("index JSON without weight_map", d -> sharded(d, m -> Files.writeString(
                        m.resolve("model.safetensors.index.json"), "{\"metadata\":{}}")),
                        "model.safetensors.index.json", "weight_map"),
                ck("index entry absent from its shard", d -> sharded(d, m -> Files.writeString(
                        m.resolve("model.safetensors.index.json"), Files.readString(
                                m.resolve("model.safetensors.index.json")).replace("\"model.norm.weight\": "
                                + "\"model-00003", "\"model.norm.weight\": \"model-00001"))),
                        "model.norm.weight", "absent"),
                ck("index naming a file outside the directory", d -> sharded(d, m -> Files.writeString(
                        m.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"a\":\"../x.safetensors\"}}")),
                        "model.safetensors.index.json", "not a file in the model directory"),
                ck("directory without config.json", d -> model(d, m -> Files.delete(m.resolve("config.json"))),
                        "config.json", "no such file"),
                ck("directory without weights", d -> model(d, m -> Files.delete(m.resolve("model.safetensors"))),
                        "model.safetensors", "no model.safetensors"),
                ck("lone safetensors without config.json", d -> model(d, m -> Files.delete(
                        m.resolve("config.json"))).resolve("model.safetensors"), "model.safetensors", "config.json"),
                ck("not a checkpoint", d -> RawFiles.bytes(d.resolve("notes.txt"), new byte[8]), "notes.txt",
                        "not a checkpoint"),
                ck("does not exist", d -> d.resolve("absent"), "absent", "no such file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void brokenInputIsReportedClearly(Case c) throws IOException {
        Path dir = tmp.resolve(c.label().replaceAll("[^A-Za-z0-9]+", "-"));
        Files.createDirectories(dir);
        Path path = c.maker().make(dir);
        InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class, () -> {
            if (c.opensAs().equals("st")) {
                SafetensorsFile.open(path).close();
            } else {
                Checkpoints.open(path).close();
            }
        });
        String m = e.getMessage();
        String named = c.named() != null ? c.named() : path.getFileName().toString();
        assertTrue(m.contains(named), "message should name " + named + ": " + m);
        assertTrue(m.contains(c.keyword()), "message should say '" + c.keyword() + "': " + m);
    }

    @Test
    void atLeastTwentyDistinctCases() {
        List<Case> all = cases().toList();
        assertTrue(all.size() >= 20);
        assertEquals(all.size(), all.stream().map(Case::label).distinct().count());
    }

    @Test
    void theValidTinyModelsOpen() throws IOException {
        try (Checkpoint c = Checkpoints.open(model(tmp.resolve("a"), m -> { }))) {
            assertEquals(TINY, c.config());
            assertEquals(LlamaLayout.expectedShapes(TINY).keySet(), c.tensors().names());
        }
        try (Checkpoint c = Checkpoints.open(sharded(tmp.resolve("b"), m -> { }))) {
            assertEquals(LlamaLayout.expectedShapes(TINY).keySet(), c.tensors().names());
        }
    }

    /** A safetensors case; the message must name the file the maker wrote. */
    private static Case st(String label, Maker maker, String keyword) {
        return new Case(label, "st", maker, null, keyword);
    }

    /** An edit applied to a freshly written model directory. */
    interface Edit {
        void apply(Path model) throws IOException;
    }

    /** An edit of the tensors written to model.safetensors. */
    interface TensorEdit {
        void apply(Map<String, HostTensor> tensors);
    }

    /** A valid single-file TINY model in {@code dir/model}, then {@code edit}. */
    static Path model(Path dir, Edit edit) throws IOException {
        Path m = dir.resolve("model");
        Files.createDirectories(m);
        Files.writeString(m.resolve("config.json"), TINY.toJson());
        SafetensorsWriter.writeSharded(m, RawFiles.tensorsFor(TINY), DType.F32, Long.MAX_VALUE);
        edit.apply(m);
        return m;
    }

    /** A valid TINY model in 3 shards in {@code dir/model}, then {@code edit}. */
    static Path sharded(Path dir, Edit edit) throws IOException {
        Path m = dir.resolve("model");
        Files.createDirectories(m);
        Files.writeString(m.resolve("config.json"), TINY.toJson());
        List<Path> shards = SafetensorsWriter.writeSharded(m, RawFiles.tensorsFor(TINY), DType.F32, 2000);
        assertEquals(3, shards.size());
        edit.apply(m);
        return m;
    }

    private static void rewrite(Path model, TensorEdit edit) throws IOException {
        Map<String, HostTensor> tensors = new HashMap<>(RawFiles.tensorsFor(TINY));
        edit.apply(tensors);
        SafetensorsWriter.write(model.resolve("model.safetensors"), tensors, DType.F32);
    }

    /** An 8-byte little-endian header length followed by {@code text}. */
    private static byte[] le(long headerLength, String text) {
        byte[] t = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + t.length).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).put(t).array();
    }

    private static Case ck(String label, Maker maker, String named, String keyword) {
        return new Case(label, "ck", maker, named, keyword);
    }
}
