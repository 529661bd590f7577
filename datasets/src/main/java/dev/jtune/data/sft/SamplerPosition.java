package dev.jtune.data.sft;

/**
 * Where a {@link LengthGroupedSampler} is: the epoch and the index of the next batch in it. Save it in a
 * checkpoint to resume with the same batches.
 *
 * @param epoch 0-based epoch
 * @param batch 0-based batch within the epoch
 */
public record SamplerPosition(int epoch, int batch) {

    /** The start of training. */
    public static final SamplerPosition START = new SamplerPosition(0, 0);

    public SamplerPosition {
        if (epoch < 0 || batch < 0) {
            throw new IllegalArgumentException("epoch and batch must not be negative: " + epoch + ", " + batch);
        }
    }
}
