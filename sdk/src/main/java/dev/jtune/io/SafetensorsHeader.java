package dev.jtune.io;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Parses and checks a safetensors JSON header completely, so that nothing malformed reaches a mapping or native
 * code: every entry needs a supported dtype, a shape of non-negative integers, and {@code data_offsets [begin, end]}
 * inside the data section whose span is exactly the shape's element count times the dtype size; no two spans may
 * overlap. {@code __metadata__}, when present, must map strings to strings and is otherwise ignored.
 */
final class SafetensorsHeader {

    private static final String METADATA = "__metadata__";

    private SafetensorsHeader() {
    }

    /** The header's tensors by name; {@code dataLength} is the size of the data section that follows the header. */
    static SortedMap<String, TensorInfo> parse(Path file, byte[] utf8, long dataLength) {
        JsonObject root = parseObject(file, utf8);
        SortedMap<String, TensorInfo> tensors = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : root.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                checkMetadata(file, e.getValue());
            } else {
                tensors.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataLength));
            }
        }
        checkNoOverlap(file, tensors);
        return tensors;
    }

    private static JsonObject parseObject(Path file, byte[] utf8) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw fail(file, null, "header is not valid UTF-8");
        }
        JsonElement root;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            root = new Gson().getAdapter(JsonElement.class).read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IOException("trailing data after the JSON value");
            }
        } catch (IOException | RuntimeException e) {
            throw fail(file, null, "header is not valid JSON (" + e.getMessage() + ")");
        }
        if (root == null || !root.isJsonObject()) {
            throw fail(file, null, "header is not a JSON object");
        }
        return root.getAsJsonObject();
    }

    private static void checkMetadata(Path file, JsonElement metadata) {
        if (!metadata.isJsonObject()) {
            throw fail(file, null, METADATA + " is not a JSON object");
        }
        for (Map.Entry<String, JsonElement> e : metadata.getAsJsonObject().entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw fail(file, null, METADATA + " value of '" + e.getKey() + "' is not a string");
            }
        }
    }

    private static TensorInfo entry(Path file, String name, JsonElement element, long dataLength) {
        if (!element.isJsonObject()) {
            throw fail(file, name, "entry is not a JSON object");
        }
        JsonObject o = element.getAsJsonObject();
        DType dtype = dtype(file, name, o.get("dtype"));
        long[] shape = integers(file, name, o.get("shape"), "shape");
        long[] offsets = integers(file, name, o.get("data_offsets"), "data_offsets");
        if (offsets.length != 2) {
            throw fail(file, name, "data_offsets must be [begin, end], got " + offsets.length + " numbers");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw fail(file, name, "data_offsets begin " + begin + " > end " + end);
        }
        if (end > dataLength) {
            throw fail(file, name, "data_offsets end " + end + " is past the end of the data section ("
                    + dataLength + " bytes): file truncated or offsets wrong");
        }
        long span;
        try {
            long count = 1;
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            span = Math.multiplyExact(count, (long) dtype.bytes());
        } catch (ArithmeticException e) {
            throw fail(file, name, "shape " + Arrays.toString(shape) + " is too large");
        }
        if (end - begin != span) {
            throw fail(file, name, "data_offsets span " + (end - begin) + " bytes does not match shape "
                    + Arrays.toString(shape) + " x " + dtype + " = " + span + " bytes");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static DType dtype(Path file, String name, JsonElement e) {
        if (e == null || e.isJsonNull()) {
            throw fail(file, name, "missing dtype");
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw fail(file, name, "dtype is not a string: " + e);
        }
        String s = e.getAsString();
        for (DType d : DType.values()) {
            if (d.name().equals(s)) {
                return d;
            }
        }
        throw fail(file, name, "unsupported dtype " + s + " (supported: " + Arrays.toString(DType.values()) + ")");
    }

    private static long[] integers(Path file, String name, JsonElement e, String field) {
        if (e == null || e.isJsonNull()) {
            throw fail(file, name, "missing " + field);
        }
        if (!e.isJsonArray()) {
            throw fail(file, name, field + " is not an array: " + e);
        }
        JsonArray a = e.getAsJsonArray();
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegativeLong(file, name, a.get(i), field);
        }
        return out;
    }

    private static long nonNegativeLong(Path file, String name, JsonElement e, String field) {
        if (e.isJsonPrimitive() && ((JsonPrimitive) e).isNumber()) {
            try {
                BigInteger v = new BigDecimal(e.getAsString()).toBigIntegerExact();
                if (v.signum() < 0) {
                    throw fail(file, name, field + " has a negative value " + v);
                }
                if (v.bitLength() < 64) {
                    return v.longValue();
                }
            } catch (ArithmeticException | NumberFormatException ignored) {
                // reported below as not a non-negative integer
            }
        }
        throw fail(file, name, field + " value " + e + " is not a non-negative integer");
    }

    private static void checkNoOverlap(Path file, SortedMap<String, TensorInfo> tensors) {
        List<TensorInfo> byBegin = new ArrayList<>(tensors.values());
        byBegin.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        TensorInfo previous = null;
        for (TensorInfo t : byBegin) {
            if (t.begin() == t.end()) {
                continue; // empty tensors occupy no bytes
            }
            if (previous != null && t.begin() < previous.end()) {
                throw fail(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end() + "] overlap tensor "
                        + previous.name() + " [" + previous.begin() + ", " + previous.end() + "]");
            }
            previous = t;
        }
    }

    static InvalidCheckpointException fail(Path file, String tensor, String reason) {
        return new InvalidCheckpointException(file + (tensor == null ? "" : ": tensor " + tensor) + ": " + reason);
    }
}
