package dev.jtune.io;

import ai.djl.ndarray.NDArray;
import dev.jtune.model.LlamaConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face model directory that transformers, {@code generate} and every recipe read: config.json,
 * generation_config.json, model.safetensors (or shards with an index), and the tokenizer's files. The directory is
 * assembled under a temporary name and renamed into place when complete.
 */
public final class HfCheckpointWriter {

    /** Tokenizer side files copied along when present. */
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "chat_template.jinja");

    /** Shard size above which weights are split, as transformers does by default. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5L << 30;

    private HfCheckpointWriter() {
    }

    /**
     * @param weights      HF-named FLOAT32 arrays (a tied head must not be listed)
     * @param tokenizerDir directory whose tokenizer files are copied in, or null
     */
    public static void write(Path dir, LlamaConfig config, Map<String, NDArray> weights, Path tokenizerDir,
                             DType dtype) throws IOException {
        Path tmp = Directories.temporarySibling(dir);
        try {
            Files.writeString(tmp.resolve(HfCheckpoint.CONFIG_FILE), config.toJson(), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("generation_config.json"), generationConfig(config),
                    StandardCharsets.UTF_8);
            SafetensorsWriter.writeSharded(tmp, TensorData.of(weights), dtype, DEFAULT_MAX_SHARD_BYTES);
            if (tokenizerDir != null) {
                for (String name : TOKENIZER_FILES) {
                    Path f = tokenizerDir.resolve(name);
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, tmp.resolve(name));
                    }
                }
            }
            Directories.publish(tmp, dir);
        } finally {
            Directories.deleteTree(tmp);
        }
    }

    private static String generationConfig(LlamaConfig c) {
        StringBuilder s = new StringBuilder("{\n");
        if (c.bosTokenId() >= 0) {
            s.append("  \"bos_token_id\": ").append(c.bosTokenId()).append(",\n");
        }
        if (!c.eosTokenIds().isEmpty()) {
            s.append("  \"eos_token_id\": ").append(c.eosTokenIds().size() == 1
                    ? c.eosTokenIds().get(0).toString() : c.eosTokenIds().toString()).append(",\n");
        }
        return s.append("  \"do_sample\": true,\n  \"temperature\": 0.8,\n  \"top_p\": 0.95\n}\n").toString();
    }
}
