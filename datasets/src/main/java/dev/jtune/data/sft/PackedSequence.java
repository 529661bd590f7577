package dev.jtune.data.sft;

import java.util.Arrays;

/**
 * Several examples laid end to end in one sequence of fixed length, with what a model needs to keep them apart:
 * positions restart at 0 for each example, and a block-diagonal causal mask lets token i attend to token j only
 * when {@code j <= i && segmentIds[i] == segmentIds[j]}. Padding fills the tail with segment id -1, position 0 and
 * no label.
 *
 * @param inputIds    token ids, padded with the pad id
 * @param labels      labels as in {@link SftExample}, {@link SftExample#IGNORE} on padding and on each example's
 *                    first token (which would otherwise be predicted from the previous example)
 * @param positionIds position of each token within its own example
 * @param segmentIds  0, 1, 2... for the examples in the sequence, -1 for padding
 */
public record PackedSequence(int[] inputIds, int[] labels, int[] positionIds, int[] segmentIds) {

    /** The segment id of padding. */
    public static final int PADDING = -1;

    public PackedSequence {
        int n = inputIds.length;
        if (labels.length != n || positionIds.length != n || segmentIds.length != n) {
            throw new IllegalArgumentException("arrays differ in length");
        }
    }

    /** The sequence length. */
    public int length() {
        return inputIds.length;
    }

    /** How many examples the sequence holds. */
    public int examples() {
        return (int) Arrays.stream(segmentIds).filter(s -> s != PADDING).distinct().count();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PackedSequence p && Arrays.equals(inputIds, p.inputIds) && Arrays.equals(labels, p.labels)
                && Arrays.equals(positionIds, p.positionIds) && Arrays.equals(segmentIds, p.segmentIds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {Arrays.hashCode(inputIds), Arrays.hashCode(labels),
                Arrays.hashCode(positionIds), Arrays.hashCode(segmentIds)});
    }

    @Override
    public String toString() {
        return "PackedSequence[inputIds=" + Arrays.toString(inputIds) + ", labels=" + Arrays.toString(labels)
                + ", positionIds=" + Arrays.toString(positionIds) + ", segmentIds=" + Arrays.toString(segmentIds) + "]";
    }
}
