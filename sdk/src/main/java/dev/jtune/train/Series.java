package dev.jtune.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Arrays;
import java.util.List;

/**
 * One named curve: y values against steps.
 *
 * @param name  legend label
 * @param steps x values, same length as {@code values}
 */
public record Series(String name, double[] steps, double[] values) {

    public Series {
        if (name == null || steps == null || values == null || steps.length != values.length) {
            throw new IllegalArgumentException("a series needs a name and as many steps as values");
        }
        steps = steps.clone();
        values = values.clone();
    }

    /** The finite values of metric {@code name} in metrics rows, against their {@code step}. */
    public static Series fromMetrics(List<JsonObject> rows, String name) {
        double[] xs = new double[rows.size()];
        double[] ys = new double[rows.size()];
        int n = 0;
        for (JsonObject row : rows) {
            JsonElement v = row.get(name);
            if (v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
                double y = v.getAsDouble();
                if (Double.isFinite(y)) {
                    xs[n] = row.get("step").getAsDouble();
                    ys[n] = y;
                    n++;
                }
            }
        }
        return new Series(name, Arrays.copyOf(xs, n), Arrays.copyOf(ys, n));
    }

    /** How many points. */
    public int size() {
        return steps.length;
    }
}
