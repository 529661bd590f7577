package dev.jtune.data.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.jtune.data.MalformedRecordException;
import dev.jtune.data.Problem;

/**
 * Typed access to the fields of a JSON record, failing with a {@link MalformedRecordException} that names the
 * field and what is wrong with it (missing, wrong type, empty).
 */
public final class JsonFields {

    private JsonFields() {
    }

    /** Whether the record has the field with a non-null value. */
    public static boolean has(JsonObject record, String name) {
        JsonElement e = record.get(name);
        return e != null && !e.isJsonNull();
    }

    /** A string field that must be present and not blank. */
    public static String requireText(JsonObject record, String name) {
        String s = requireString(record, name);
        if (s.isBlank()) {
            throw MalformedRecordException.of(Problem.EMPTY, "field '" + name + "' is empty");
        }
        return s;
    }

    /** A string field that must be present, possibly empty. */
    public static String requireString(JsonObject record, String name) {
        return asString(require(record, name), name);
    }

    /** A string field, or {@code ""} when absent or null. */
    public static String optionalString(JsonObject record, String name) {
        return has(record, name) ? asString(record.get(name), name) : "";
    }

    /** An array field that must be present and not empty. */
    public static JsonArray requireArray(JsonObject record, String name) {
        JsonElement e = require(record, name);
        if (!e.isJsonArray()) {
            throw wrongType(name, "an array", e);
        }
        if (e.getAsJsonArray().isEmpty()) {
            throw MalformedRecordException.of(Problem.EMPTY, "field '" + name + "' is an empty array");
        }
        return e.getAsJsonArray();
    }

    /** An object field that must be present. */
    public static JsonObject requireObject(JsonObject record, String name) {
        JsonElement e = require(record, name);
        if (!e.isJsonObject()) {
            throw wrongType(name, "an object", e);
        }
        return e.getAsJsonObject();
    }

    /** An element of an array that must be an object; {@code where} names it in messages, e.g. {@code messages[2]}. */
    public static JsonObject asObject(JsonElement element, String where) {
        if (element == null || !element.isJsonObject()) {
            throw wrongType(where, "an object", element);
        }
        return element.getAsJsonObject();
    }

    /** A number field, or {@code fallback} when absent or null. */
    public static double optionalNumber(JsonObject record, String name, double fallback) {
        if (!has(record, name)) {
            return fallback;
        }
        JsonElement e = record.get(name);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw wrongType(name, "a number", e);
        }
        return e.getAsDouble();
    }

    /** The first of the named fields the record has, or null when it has none. */
    public static String firstPresent(JsonObject record, String... names) {
        for (String name : names) {
            if (has(record, name)) {
                return name;
            }
        }
        return null;
    }

    /** A description of a JSON value's type for messages: {@code string}, {@code number}, {@code array}... */
    public static String typeOf(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonObject()) {
            return "object";
        }
        if (e.isJsonArray()) {
            return "array";
        }
        var p = e.getAsJsonPrimitive();
        return p.isString() ? "string" : p.isNumber() ? "number" : "boolean";
    }

    private static JsonElement require(JsonObject record, String name) {
        if (!has(record, name)) {
            throw MalformedRecordException.of(Problem.MISSING_FIELD, "missing field '" + name + "'");
        }
        return record.get(name);
    }

    private static String asString(JsonElement e, String name) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw wrongType(name, "a string", e);
        }
        return e.getAsString();
    }

    private static MalformedRecordException wrongType(String name, String expected, JsonElement actual) {
        return MalformedRecordException.of(Problem.WRONG_TYPE,
                "field '" + name + "' must be " + expected + ", got " + typeOf(actual));
    }
}
