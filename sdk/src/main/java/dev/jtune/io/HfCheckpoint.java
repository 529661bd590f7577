package dev.jtune.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.jtune.model.LlamaConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Hugging Face LLaMA model directory: {@code config.json} plus {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} names. Opening reads the config, opens every weight file, and checks that
 * each tensor the config needs is there with its shape; any problem is an {@link InvalidCheckpointException}
 * naming the file.
 */
public final class HfCheckpoint {

    /** The model's architecture file. */
    public static final String CONFIG_FILE = "config.json";

    private HfCheckpoint() {
    }

    /**
     * Opens a model directory, or a single {@code .safetensors} file whose directory holds the
     * {@code config.json} (then only that file's tensors are read, whatever else the directory holds).
     */
    public static Checkpoint open(Path path) {
        boolean directory = Files.isDirectory(path);
        Path dir = directory ? path : path.toAbsolutePath().getParent();
        LlamaConfig config = readConfig(dir.resolve(CONFIG_FILE));
        TensorSource tensors = directory ? openWeights(dir) : SafetensorsFile.open(path);
        try {
            return new Checkpoint(path, config, tensors);
        } catch (RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    /** Reads a {@code config.json} into a {@link LlamaConfig}. */
    public static LlamaConfig readConfig(Path configFile) {
        if (!Files.isRegularFile(configFile)) {
            throw new InvalidCheckpointException(configFile + ": no such file (a model directory needs "
                    + CONFIG_FILE + ")");
        }
        try {
            return LlamaConfig.parse(readUtf8(configFile), configFile.toString());
        } catch (RuntimeException e) { // IllegalArgumentException by contract; any other is a config it cannot read
            throw new InvalidCheckpointException(String.valueOf(e.getMessage()).startsWith(configFile.toString())
                    ? e.getMessage() : configFile + ": " + e.getMessage(), e);
        }
    }

    /** The weights of a model directory: its index and shards when there is an index, else model.safetensors. */
    static TensorSource openWeights(Path dir) {
        Path index = dir.resolve(SafetensorsWriter.INDEX_FILE);
        if (Files.exists(index)) {
            return openShards(dir, index);
        }
        Path single = dir.resolve(SafetensorsWriter.SINGLE_FILE);
        if (!Files.exists(single)) {
            throw new InvalidCheckpointException(dir + ": no " + SafetensorsWriter.SINGLE_FILE + " and no "
                    + SafetensorsWriter.INDEX_FILE);
        }
        return SafetensorsFile.open(single);
    }

    private static TensorSource openShards(Path dir, Path index) {
        Map<String, String> weightMap = weightMap(index);
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String shardName = e.getValue();
                SafetensorsFile shard = shards.get(shardName);
                if (shard == null) {
                    Path file = dir.resolve(shardName);
                    if (!Files.isRegularFile(file)) {
                        throw new InvalidCheckpointException(index + ": tensor " + e.getKey() + " is mapped to shard "
                                + shardName + ", which is missing (no such file " + file + ")");
                    }
                    shard = SafetensorsFile.open(file);
                    shards.put(shardName, shard);
                }
                if (!shard.names().contains(e.getKey())) {
                    throw new InvalidCheckpointException(index + ": tensor " + e.getKey() + " is listed for shard "
                            + shardName + " but is absent from that file");
                }
                byName.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new ShardedTensorSource(byName, new ArrayList<>(shards.values()));
    }

    private static Map<String, String> weightMap(Path index) {
        JsonElement root;
        try {
            root = JsonParser.parseString(readUtf8(index));
        } catch (JsonParseException e) {
            throw new InvalidCheckpointException(index + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        JsonElement map = root.isJsonObject() ? root.getAsJsonObject().get("weight_map") : null;
        if (map == null || !map.isJsonObject()) {
            throw new InvalidCheckpointException(index + ": missing weight_map object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : ((JsonObject) map).entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new InvalidCheckpointException(index + ": weight_map entry " + e.getKey()
                        + " is not a file name: " + v);
            }
            String name = v.getAsString();
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".")
                    || name.equals("..")) {
                throw new InvalidCheckpointException(index + ": weight_map entry " + e.getKey() + " names '" + name
                        + "', which is not a file in the model directory");
            }
            out.put(e.getKey(), name);
        }
        return out;
    }

    private static String readUtf8(Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidCheckpointException(file + ": not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new InvalidCheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
