package dev.jtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * Rotary position embeddings in Hugging Face's {@code rotate_half} layout: dimension {@code i} of a head is rotated
 * together with dimension {@code i + headDim/2}. Tables are computed in double precision, grown on demand up to
 * {@code max_position_embeddings}.
 */
final class Rope {

    private final LlamaConfig config;
    private final NDManager manager;
    private NDArray cos; // (P, hd)
    private NDArray sin; // (P, hd)
    private final NDArray rotation; // (hd, hd): x @ rotation == rotate_half(x) == cat(-x2, x1)
    private int length;

    Rope(LlamaConfig config, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.rotation = rotateHalfMatrix(config.headDim(), manager);
        grow(Math.min(config.maxPositionEmbeddings(), 2048));
    }

    /**
     * Cosine and sine for each position: positions (B, T) int64 -> two arrays (B, 1, T, hd).
     *
     * @param maxPosition an upper bound on the positions (known to the caller without reading them back)
     */
    NDList tables(NDArray positions, int maxPosition) {
        if (maxPosition >= length) {
            if (maxPosition >= config.maxPositionEmbeddings()) {
                throw new IllegalArgumentException("position " + maxPosition
                        + " is past max_position_embeddings " + config.maxPositionEmbeddings());
            }
            grow(Math.min(config.maxPositionEmbeddings(), Math.max(2 * length, maxPosition + 1)));
        }
        NDArray c = positions.getNDArrayInternal().embedding(positions, cos, SparseFormat.DENSE).singletonOrThrow(); // (B, T, hd)
        NDArray s = positions.getNDArrayInternal().embedding(positions, sin, SparseFormat.DENSE).singletonOrThrow(); // (B, T, hd)
        return new NDList(c.expandDims(1), s.expandDims(1)); // (B, 1, T, hd)
    }

    /** x (B, H, T, hd) rotated by the tables of {@link #tables}: x cos + rotate_half(x) sin. */
    NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(x.matMul(rotation).mul(sin)); // (B, H, T, hd)
    }

    /** The permutation-with-signs R such that (x R)[i] = -x[i + hd/2] for i < hd/2, else x[i - hd/2]. */
    private static NDArray rotateHalfMatrix(int hd, NDManager manager) {
        float[] r = new float[hd * hd];
        int half = hd / 2;
        for (int i = 0; i < half; i++) {
            r[(i + half) * hd + i] = -1f; // output i takes -x[i + half]
            r[i * hd + i + half] = 1f;    // output i + half takes x[i]
        }
        return manager.create(r, new Shape(hd, hd));
    }

    private void grow(int newLength) {
        int hd = config.headDim();
        double[] inv = config.ropeScaling().inverseFrequencies(hd, config.ropeTheta());
        float[] c = new float[newLength * hd];
        float[] s = new float[newLength * hd];
        for (int p = 0; p < newLength; p++) {
            for (int i = 0; i < hd / 2; i++) {
                double angle = p * inv[i];
                float cv = (float) Math.cos(angle);
                float sv = (float) Math.sin(angle);
                c[p * hd + i] = cv;
                c[p * hd + i + hd / 2] = cv;
                s[p * hd + i] = sv;
                s[p * hd + i + hd / 2] = sv;
            }
        }
        if (cos != null) {
            cos.close();
            sin.close();
        }
        cos = manager.create(c, new Shape(newLength, hd));
        sin = manager.create(s, new Shape(newLength, hd));
        length = newLength;
    }
}
