package dev.jtune.generate;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Sampling defaults a model ships in {@code generation_config.json} (as transformers reads them): greedy when
 * {@code do_sample} is false, else its temperature, top_k, top_p and repetition_penalty.
 */
public final class GenerationDefaults {

    /** What jtune uses when a model states nothing: sampling at 0.8 with nucleus 0.95. */
    public static final SamplingParams FALLBACK = new SamplingParams(256, 0.8, 0, 0.95, 1.0, 0, List.of(), true);

    private GenerationDefaults() {
    }

    /** The defaults of the model at {@code model} (a directory or a file beside its config), or the fallback. */
    public static SamplingParams of(Path model) {
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        Path file = dir == null ? null : dir.resolve("generation_config.json");
        if (file == null || !Files.isRegularFile(file)) {
            return FALLBACK;
        }
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a JSON object: " + e.getMessage(), e);
        }
        boolean sample = bool(o, "do_sample");
        return new SamplingParams(
                (int) number(o, "max_new_tokens", FALLBACK.maxNewTokens()),
                sample ? number(o, "temperature", 1.0) : 0.0,
                sample ? (int) number(o, "top_k", 50) : 0,
                sample ? number(o, "top_p", 1.0) : 1.0,
                number(o, "repetition_penalty", 1.0), 0, List.of(), true);
    }

    private static boolean bool(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && !e.isJsonNull() && e.getAsBoolean();
    }

    private static double number(JsonObject o, String key, double fallback) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsDouble();
    }
}
