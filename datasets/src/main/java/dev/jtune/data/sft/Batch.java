package dev.jtune.data.sft;

import java.util.Arrays;

/**
 * One batch from a {@link LengthGroupedSampler}.
 *
 * @param position where this batch is
 * @param next     where the batch after it is: the position to save for resuming after this batch
 * @param indices  indices of the examples in the batch
 */
public record Batch(SamplerPosition position, SamplerPosition next, int[] indices) {

    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b && position.equals(b.position) && next.equals(b.next)
                && Arrays.equals(indices, b.indices);
    }

    @Override
    public int hashCode() {
        return 31 * position.hashCode() + Arrays.hashCode(indices);
    }

    @Override
    public String toString() {
        return "Batch[" + position + ", indices=" + Arrays.toString(indices) + "]";
    }
}
