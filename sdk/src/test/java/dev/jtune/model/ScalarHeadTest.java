package dev.jtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.testing.TinyModels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScalarHeadTest {

    @Test
    void readsTheLastRealTokenUnderLeftAndRightPadding() {
        try (LlamaModel model = TinyModels.random(5); NDManager m = model.manager().newSubManager()) {
            ScalarHead head = ScalarHead.create(model.config().hiddenSize(), 1, m);
            long[] seq = {1, 17, 33, 5};
            float alone = head.scores(model.hidden(m.create(seq, new Shape(1, 4)), null, null, null),
                    new int[] {3}).getFloat(0);
            // right padding: [seq, pad, pad]; the last real token is at index 3
            NDArray right = model.hidden(m.create(new long[] {1, 17, 33, 5, 0, 0}, new Shape(1, 6)), null, null, null);
            assertEquals(alone, head.scores(right, new int[] {3}).getFloat(0), 1e-5);
            // left padding: [pad, pad, seq] with masked keys and positions from 0 at the first real token
            boolean[][] valid = {{false, false, true, true, true, true}};
            NDArray left = model.hidden(m.create(new long[] {0, 0, 1, 17, 33, 5}, new Shape(1, 6)),
                    m.create(new long[] {0, 0, 0, 1, 2, 3}, new Shape(1, 6)),
                    AttentionMask.causal(m, 1, 0, 6, valid), null);
            assertEquals(alone, head.scores(left, new int[] {5}).getFloat(0), 1e-5);
            // a hand-computed head: w . h at the chosen position
            float[] h = right.get("0, 3, :").toFloatArray();
            float[] w = head.weight().toFloatArray();
            double dot = 0;
            for (int i = 0; i < h.length; i++) {
                dot += h[i] * w[i];
            }
            assertEquals(dot, alone, 1e-5);
        }
    }
}
