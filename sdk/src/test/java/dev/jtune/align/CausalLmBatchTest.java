package dev.jtune.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.model.LlamaModel;
import dev.jtune.testing.TinyModels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CausalLmBatchTest {

    private static final int I = CausalLmLoss.IGNORE;

    @Test
    void shiftPutsEachLabelOnThePositionBefore() {
        // labels aligned with inputs: position t predicts labels[t + 1]; prompt tokens carry IGNORE
        CausalLmLoss.Targets t = CausalLmLoss.shift(new int[][] {{I, I, 7, 8}, {I, 5, I, I}});
        assertEquals(3, t.count());
        assertEquals(java.util.List.of(0L, 7L, 8L, 0L, 5L, 0L, 0L, 0L),
                java.util.Arrays.stream(t.ids()).boxed().toList());
        assertEquals(0f, t.weights()[0]);
        assertEquals(1f, t.weights()[1]);
        assertEquals(1f, t.weights()[4]);
    }

    @Test
    void summedLossMatchesAHandComputedCrossEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one position, logits (0, ln 3): p(target 1) = 3/4, loss = -ln(3/4); a second position is unweighted
            NDArray logits = m.create(new float[] {0f, (float) Math.log(3), 5f, 0f}, new Shape(1, 2, 2));
            NDArray targets = m.create(new long[] {1, 1}, new Shape(1, 2));
            NDArray weights = m.create(new float[] {1f, 0f}, new Shape(1, 2));
            assertEquals(-Math.log(0.75), CausalLmLoss.summed(logits, targets, weights).getFloat(), 1e-6);
        }
    }

    @Test
    void packedRowGivesEachExampleTheLossItGetsAlone() {
        int[] a = {1, 17, 33, 5, 90};
        int[] aLabels = {I, I, 33, 5, 90};
        int[] b = {1, 41, 8, 64};
        int[] bLabels = {I, 41, 8, 64};
        try (LlamaModel model = TinyModels.random(9); NDManager m = model.manager().newSubManager()) {
            float aAlone = new CausalLmBatch(new int[][] {a}, new int[][] {aLabels}, null, null)
                    .loss(model, m).sum().getFloat();
            float bAlone = new CausalLmBatch(new int[][] {b}, new int[][] {bLabels}, null, null)
                    .loss(model, m).sum().getFloat();
            // packed: a then b, positions restart, segments keep attention inside each example,
            // and b's first label is IGNORE so a's last token does not predict b's first
            int[] ids = {1, 17, 33, 5, 90, 1, 41, 8, 64};
            int[] labels = {I, I, 33, 5, 90, I, 41, 8, 64};
            int[] positions = {0, 1, 2, 3, 4, 0, 1, 2, 3};
            int[] segments = {0, 0, 0, 0, 0, 1, 1, 1, 1};
            CausalLmBatch.Result packed = new CausalLmBatch(new int[][] {ids}, new int[][] {labels},
                    new int[][] {positions}, new int[][] {segments}).loss(model, m);
            assertEquals(3 + 3, packed.targets());
            assertEquals(aAlone + bAlone, packed.sum().getFloat(), 1e-4);
        }
    }
}
