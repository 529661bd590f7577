package dev.jtune.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a tokenizer directory says besides the BPE model itself: the vocabulary of {@code tokenizer.json}
 * (read with a streaming parser, skipping the merges), the special token strings of {@code tokenizer_config.json},
 * and the special token ids of {@code config.json} and {@code generation_config.json} when they sit beside it.
 */
final class TokenizerSideFiles {

    private final Map<String, Integer> vocabulary;
    private final int vocabSize;
    private final SpecialTokens specialTokens;

    private TokenizerSideFiles(Map<String, Integer> vocabulary, SpecialTokens specialTokens) {
        this.vocabulary = vocabulary;
        this.vocabSize = vocabulary.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.specialTokens = specialTokens;
    }

    /** Reads the vocabulary of {@code tokenizerJson} and the special tokens of the files beside it. */
    static TokenizerSideFiles read(Path tokenizerJson) throws IOException {
        Map<String, Integer> vocabulary = readVocabulary(tokenizerJson);
        Path dir = tokenizerJson.toAbsolutePath().getParent();
        JsonObject tokenizerConfig = readObject(dir.resolve("tokenizer_config.json"));
        JsonObject config = readObject(dir.resolve("config.json"));
        JsonObject generationConfig = readObject(dir.resolve("generation_config.json"));
        addDecoderTokens(tokenizerConfig, vocabulary);

        int bos = firstId(List.of(config, generationConfig), "bos_token_id");
        if (bos < 0) {
            bos = tokenId(tokenizerConfig, "bos_token", vocabulary, dir);
        }
        int pad = firstId(List.of(config, generationConfig), "pad_token_id");
        if (pad < 0) {
            pad = tokenId(tokenizerConfig, "pad_token", vocabulary, dir);
        }
        Set<Integer> eos = new LinkedHashSet<>();
        eos.addAll(ids(config, "eos_token_id"));
        eos.addAll(ids(generationConfig, "eos_token_id"));
        int configEos = tokenId(tokenizerConfig, "eos_token", vocabulary, dir);
        if (configEos >= 0) {
            eos.add(configEos);
        }
        return new TokenizerSideFiles(vocabulary, new SpecialTokens(bos, new ArrayList<>(eos), pad));
    }

    Map<String, Integer> vocabulary() {
        return vocabulary;
    }

    int vocabSize() {
        return vocabSize;
    }

    SpecialTokens specialTokens() {
        return specialTokens;
    }

    /** Token string to id over {@code model.vocab} and {@code added_tokens}, without building the merges. */
    private static Map<String, Integer> readVocabulary(Path tokenizerJson) throws IOException {
        Map<String, Integer> vocabulary = new HashMap<>();
        try (Reader in = Files.newBufferedReader(tokenizerJson, StandardCharsets.UTF_8);
             JsonReader json = new JsonReader(in)) {
            json.beginObject();
            while (json.hasNext()) {
                String name = json.nextName();
                if (name.equals("model") && json.peek() == JsonToken.BEGIN_OBJECT) {
                    json.beginObject();
                    while (json.hasNext()) {
                        if (json.nextName().equals("vocab") && json.peek() == JsonToken.BEGIN_OBJECT) {
                            json.beginObject();
                            while (json.hasNext()) {
                                vocabulary.put(json.nextName(), json.nextInt());
                            }
                            json.endObject();
                        } else {
                            json.skipValue();
                        }
                    }
                    json.endObject();
                } else if (name.equals("added_tokens") && json.peek() == JsonToken.BEGIN_ARRAY) {
                    json.beginArray();
                    while (json.hasNext()) {
                        JsonObject token = JsonParser.parseReader(json).getAsJsonObject();
                        vocabulary.put(token.get("content").getAsString(), token.get("id").getAsInt());
                    }
                    json.endArray();
                } else {
                    json.skipValue();
                }
            }
            json.endObject();
        } catch (RuntimeException e) {
            throw new IOException(tokenizerJson + ": not a tokenizer.json (" + e.getMessage() + ")", e);
        }
        if (vocabulary.isEmpty()) {
            throw new IOException(tokenizerJson + ": no model.vocab and no added_tokens");
        }
        return vocabulary;
    }

    private static JsonObject readObject(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return new JsonObject();
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(in).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a JSON object (" + e.getMessage() + ")", e);
        }
    }

    /** {@code added_tokens_decoder} of tokenizer_config.json: {"128000": {"content": "<|begin_of_text|>", ...}}. */
    private static void addDecoderTokens(JsonObject tokenizerConfig, Map<String, Integer> vocabulary) {
        JsonElement decoder = tokenizerConfig.get("added_tokens_decoder");
        if (decoder == null || !decoder.isJsonObject()) {
            return;
        }
        for (Map.Entry<String, JsonElement> e : decoder.getAsJsonObject().entrySet()) {
            JsonElement content = e.getValue().getAsJsonObject().get("content");
            if (content != null) {
                vocabulary.putIfAbsent(content.getAsString(), Integer.parseInt(e.getKey()));
            }
        }
    }

    /** A special token given as a string or as {"content": ...}, mapped through the vocabulary; -1 when absent. */
    private static int tokenId(JsonObject tokenizerConfig, String key, Map<String, Integer> vocabulary, Path dir) {
        JsonElement value = tokenizerConfig.get(key);
        if (value == null || value.isJsonNull()) {
            return -1;
        }
        String content = value.isJsonObject() ? value.getAsJsonObject().get("content").getAsString()
                : value.getAsString();
        Integer id = vocabulary.get(content);
        if (id == null) {
            throw new IllegalArgumentException(dir.resolve("tokenizer_config.json") + ": " + key + " '" + content
                    + "' is not in the vocabulary of tokenizer.json");
        }
        return id;
    }

    private static int firstId(List<JsonObject> configs, String key) {
        for (JsonObject config : configs) {
            List<Integer> ids = ids(config, key);
            if (!ids.isEmpty()) {
                return ids.get(0);
            }
        }
        return -1;
    }

    /** A number, a list of numbers, null or absent. */
    private static List<Integer> ids(JsonObject config, String key) {
        JsonElement value = config.get(key);
        List<Integer> ids = new ArrayList<>();
        if (value == null || value.isJsonNull()) {
            return ids;
        }
        if (value.isJsonArray()) {
            value.getAsJsonArray().forEach(v -> ids.add(v.getAsInt()));
        } else {
            ids.add(value.getAsInt());
        }
        return ids;
    }
}
