package dev.jtune.align;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.engine.Engines;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CompletionLogProbsTest {

    private static final int I = CausalLmLoss.IGNORE;

    @Test
    void sumsTheLogProbabilitiesOfTheLabelledTokensAfterTheShift() {
        // V = 2, T = 3, the same logits in both rows: position 0 [0, 0] -> log p = [-ln 2, -ln 2];
        // position 1 [ln 3, 0] -> p = [3/4, 1/4]; position 2 predicts nothing that is labelled.
        float ln3 = (float) Math.log(3);
        float[] logits = {0, 0, ln3, 0, 5, -5, 0, 0, ln3, 0, 5, -5};
        int[][] labels = {{I, 1, 0}, {I, I, 1}};
        try (NDManager m = Engines.pytorch().newBaseManager()) {
            float[] sums = CompletionLogProbs.summed(m.create(logits, new Shape(2, 3, 2)), labels).toFloatArray();
            // row 0: position 0 predicts labels[1] = 1 (-ln 2), position 1 predicts labels[2] = 0 (ln 3/4):
            // -0.69314718 - 0.28768207 = -0.98082925
            assertEquals(-0.98082925, sums[0], 1e-6);
            // row 1: only position 1 predicts a label, 1: ln 1/4 = -1.38629436
            assertEquals(-1.38629436, sums[1], 1e-6);
        }
        assertArrayEquals(new int[] {2, 1}, CompletionLogProbs.counts(labels));
    }
}
