package dev.jtune.data.sft;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jtune.data.sft.SftExample.IGNORE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackerTest {

    /** An example of {@code n} tokens with ids base, base+1, ... labelled from index {@code firstLabelled} on. */
    private static SftExample example(int base, int n, int firstLabelled) {
        int[] ids = new int[n];
        int[] labels = new int[n];
        for (int t = 0; t < n; t++) {
            ids[t] = base + t;
            labels[t] = t >= firstLabelled ? ids[t] : IGNORE;
        }
        return new SftExample(ids, labels);
    }

    @Test
    void examplesFillSequencesInOrderWithPositionsRestartingAndPaddingAtTheEnd() {
        List<PackedSequence> packed = new Packer(8, 0).pack(List.of(
                example(10, 3, 0), example(20, 4, 2), example(30, 2, 1), example(40, 5, 3)));
        assertEquals(2, packed.size());

        PackedSequence first = packed.get(0);
        assertArrayEquals(new int[] {10, 11, 12, 20, 21, 22, 23, 0}, first.inputIds());
        assertArrayEquals(new int[] {IGNORE, 11, 12, IGNORE, IGNORE, 22, 23, IGNORE}, first.labels());
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 3, 0}, first.positionIds());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 1, -1}, first.segmentIds());
        assertEquals(2, first.examples());

        PackedSequence second = packed.get(1);
        assertArrayEquals(new int[] {30, 31, 40, 41, 42, 43, 44, 0}, second.inputIds());
        assertArrayEquals(new int[] {IGNORE, 31, IGNORE, IGNORE, IGNORE, 43, 44, IGNORE}, second.labels());
        assertArrayEquals(new int[] {0, 1, 0, 1, 2, 3, 4, 0}, second.positionIds());
        assertArrayEquals(new int[] {0, 0, 1, 1, 1, 1, 1, -1}, second.segmentIds());
    }

    @Test
    void noLabelIsPredictedAcrossAnExampleBoundary() {
        List<SftExample> examples = List.of(example(10, 5, 0), example(20, 1, 0), example(30, 6, 0),
                example(40, 7, 0), example(50, 2, 0), example(60, 3, 0));
        for (PackedSequence p : new Packer(9, 0).pack(examples)) {
            assertEquals(9, p.length());
            for (int t = 0; t < p.length(); t++) {
                if (p.labels()[t] != IGNORE) {
                    assertTrue(t > 0 && p.segmentIds()[t] == p.segmentIds()[t - 1] && p.segmentIds()[t] >= 0, p::toString);
                    assertEquals(p.inputIds()[t], p.labels()[t]);
                    assertEquals(p.positionIds()[t - 1] + 1, p.positionIds()[t]);
                }
                if (p.positionIds()[t] == 0) {
                    assertEquals(IGNORE, p.labels()[t]);
                }
            }
        }
    }

    @Test
    void anExampleLongerThanTheSequenceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Packer(4, 0).pack(List.of(example(1, 5, 0))));
    }
}
