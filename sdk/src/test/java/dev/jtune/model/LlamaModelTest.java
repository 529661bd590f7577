package dev.jtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.jtune.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder agrees with itself across the ways of running it: cache, padding, packing. */
class LlamaModelTest {

    private static LlamaModel model;
    private static final long[] SEQ = {1, 17, 33, 5, 90, 41, 8, 64, 23, 7};

    @BeforeAll
    static void load() {
        model = TinyModels.random(7);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void cachedDecodingEqualsAFullForwardPass() {
        try (NDManager m = model.manager().newSubManager();
             KvCache cache = new KvCache(model.config(), 1, SEQ.length, model.manager())) {
            NDArray full = model.forward(m.create(SEQ, new Shape(1, SEQ.length)), null, null, null); // (1, T, V)
            // prefill 4 tokens, then one token at a time
            NDArray first = model.forward(m.create(java.util.Arrays.copyOf(SEQ, 4), new Shape(1, 4)), null, null, cache);
            assertClose(full.get(":, 0:4, :"), first, 1e-5);
            for (int t = 4; t < SEQ.length; t++) {
                NDArray step = model.forward(m.create(new long[] {SEQ[t]}, new Shape(1, 1)), null, null, cache);
                assertClose(full.get(new NDIndex(":, {}:{}, :", t, t + 1)), step, 1e-5);
            }
            assertEquals(SEQ.length, cache.length());
        }
    }

    @Test
    void leftPaddingWithMaskAndPositionsEqualsTheUnpaddedSequence() {
        try (NDManager m = model.manager().newSubManager()) {
            int pad = 3;
            int t = SEQ.length;
            NDArray alone = model.forward(m.create(SEQ, new Shape(1, t)), null, null, null);
            long[] ids = new long[pad + t];
            long[] pos = new long[pad + t];
            boolean[][] valid = new boolean[1][pad + t];
            for (int j = 0; j < pad + t; j++) {
                ids[j] = j < pad ? 0 : SEQ[j - pad];
                pos[j] = Math.max(0, j - pad);
                valid[0][j] = j >= pad;
            }
            NDArray mask = AttentionMask.causal(m, 1, 0, pad + t, valid);
            NDArray padded = model.forward(m.create(ids, new Shape(1, pad + t)),
                    m.create(pos, new Shape(1, pad + t)), mask, null);
            assertClose(alone, padded.get(new NDIndex(":, {}:, :", pad)), 1e-5);
        }
    }

    @Test
    void packedSequencesDoNotSeeEachOther() {
        try (NDManager m = model.manager().newSubManager()) {
            long[] a = {1, 17, 33, 5};
            long[] b = {1, 90, 41, 8, 64, 23};
            NDArray aAlone = model.forward(m.create(a, new Shape(1, a.length)), null, null, null);
            NDArray bAlone = model.forward(m.create(b, new Shape(1, b.length)), null, null, null);
            long[] ids = new long[a.length + b.length];
            long[] pos = new long[ids.length];
            int[][] segments = new int[1][ids.length];
            for (int j = 0; j < ids.length; j++) {
                boolean inA = j < a.length;
                ids[j] = inA ? a[j] : b[j - a.length];
                pos[j] = inA ? j : j - a.length;
                segments[0][j] = inA ? 0 : 1;
            }
            NDArray packed = model.forward(m.create(ids, new Shape(1, ids.length)),
                    m.create(pos, new Shape(1, ids.length)), AttentionMask.packed(m, segments), null);
            assertClose(aAlone, packed.get(new NDIndex(":, 0:{}, :", a.length)), 1e-5);
            assertClose(bAlone, packed.get(new NDIndex(":, {}:, :", a.length)), 1e-5);
        }
    }

    static void assertClose(NDArray expected, NDArray actual, double tolerance) {
        assertEquals(expected.getShape(), actual.getShape());
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(e[i] - a[i]));
        }
        assertTrue(worst <= tolerance, "max abs difference " + worst + " > " + tolerance);
    }
}
