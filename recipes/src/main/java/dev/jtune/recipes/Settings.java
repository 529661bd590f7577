package dev.jtune.recipes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A recipe's settings: values from {@code --config FILE.json} overridden by command-line flags, under the flag
 * names ({@code lora-r}; the JSON file may also write {@code lora_r}). Everything read is remembered, defaults
 * included, so the resolved configuration can be written to the run directory.
 */
final class Settings {

    private final Cli cli;
    private final JsonObject file;
    private final Map<String, Object> resolved = new TreeMap<>();

    private Settings(Cli cli, JsonObject file) {
        this.cli = cli;
        this.file = file;
    }

    static Settings of(Cli cli) throws IOException {
        JsonObject file = new JsonObject();
        if (cli.has("config")) {
            Path p = Path.of(cli.string("config", ""));
            try {
                file = JsonParser.parseString(Files.readString(p)).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new UsageException("--config " + p + " is not a JSON object: " + e.getMessage());
            }
        }
        return new Settings(cli, file);
    }

    /** The resolved configuration so far, by flag name. */
    Map<String, Object> resolved() {
        return resolved;
    }

    String string(String name, String fallback) {
        String v = raw(name);
        String out = v == null ? fallback : v;
        resolved.put(name, out);
        return out;
    }

    Path path(String name, boolean required) {
        String v = string(name, null);
        if (v == null) {
            if (required) {
                throw new UsageException("--" + name + " is required");
            }
            return null;
        }
        return Path.of(v);
    }

    int integer(String name, int fallback) {
        String v = raw(name);
        try {
            int out = v == null ? fallback : (int) Math.round(Double.parseDouble(v));
            resolved.put(name, out);
            return out;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    double number(String name, double fallback) {
        String v = raw(name);
        try {
            double out = v == null ? fallback : Double.parseDouble(v);
            resolved.put(name, out);
            return out;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    boolean flag(String name) {
        String v = raw(name);
        boolean out = v != null && !v.equals("false");
        resolved.put(name, out);
        return out;
    }

    private String raw(String name) {
        if (cli.has(name)) {
            String v = cli.string(name, null);
            return v == null ? "true" : v;
        }
        JsonElement e = file.has(name) ? file.get(name) : file.get(name.replace('-', '_'));
        if (e == null || e.isJsonNull()) {
            return null;
        }
        return e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }
}
