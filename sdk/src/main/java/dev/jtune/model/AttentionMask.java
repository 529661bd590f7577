package dev.jtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Additive attention masks, shape (B, 1, T, S): 0 where a query may look at a key, a large negative number where it
 * may not. A fully masked row (a padding query) stays finite and is ignored by the caller.
 */
public final class AttentionMask {

    /** Added to masked scores; finite so that a row with every key masked gives no NaN. */
    public static final float BLOCKED = -1e9f;

    private AttentionMask() {
    }

    /**
     * Causal mask over a cache: query {@code t} sits at sequence index {@code past + t} and sees keys
     * {@code j <= past + t} whose {@code keyValid[b][j]} is true (false marks padding).
     *
     * @param keyValid (B, S) with S = past + T, or null when no key is padding
     */
    public static NDArray causal(NDManager manager, int batch, int past, int t, boolean[][] keyValid) {
        int s = past + t;
        int rows = keyValid == null ? 1 : batch;
        float[] m = new float[rows * t * s];
        for (int b = 0; b < rows; b++) {
            for (int q = 0; q < t; q++) {
                for (int j = 0; j < s; j++) {
                    boolean visible = j <= past + q && (keyValid == null || keyValid[b][j]);
                    m[(b * t + q) * s + j] = visible ? 0f : BLOCKED;
                }
            }
        }
        return manager.create(m, new Shape(rows, 1, t, s));
    }

    /**
     * Block-diagonal causal mask for packed sequences: a token sees earlier tokens of its own segment only.
     *
     * @param segments (B, T) segment id per token; tokens of one packed example share an id
     */
    public static NDArray packed(NDManager manager, int[][] segments) {
        int batch = segments.length;
        int t = segments[0].length;
        float[] m = new float[batch * t * t];
        for (int b = 0; b < batch; b++) {
            for (int q = 0; q < t; q++) {
                for (int j = 0; j < t; j++) {
                    boolean visible = j <= q && segments[b][j] == segments[b][q];
                    m[(b * t + q) * t + j] = visible ? 0f : BLOCKED;
                }
            }
        }
        return manager.create(m, new Shape(batch, 1, t, t));
    }
}
