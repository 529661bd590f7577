package dev.jtune.data.sft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Batches of example indices grouped by similar length, so little of each padded batch is padding, as Hugging
 * Face's {@code group_by_length} does: each epoch shuffles all indices, cuts them into mega-batches of
 * {@code megaBatchFactor * batchSize}, sorts each mega-batch by length (longest first), cuts it into batches, and
 * shuffles the order of all the batches. The same seed and epoch always give the same batches, so training can
 * resume from any {@link SamplerPosition}.
 */
public final class LengthGroupedSampler {

    /** Hugging Face's mega-batch size, in batches. */
    public static final int DEFAULT_MEGA_BATCH_FACTOR = 50;

    private final int[] lengths;
    private final int batchSize;
    private final int megaBatchFactor;
    private final boolean dropLast;
    private final long seed;

    /** A sampler with mega-batches of {@value #DEFAULT_MEGA_BATCH_FACTOR} batches that keeps a last partial batch. */
    public LengthGroupedSampler(int[] lengths, int batchSize, long seed) {
        this(lengths, batchSize, DEFAULT_MEGA_BATCH_FACTOR, false, seed);
    }

    /**
     * @param lengths         length of each example, by index
     * @param batchSize       examples per batch
     * @param megaBatchFactor batches per mega-batch: larger groups lengths more tightly and shuffles less
     * @param dropLast        leave out each epoch's last batch when it is smaller than {@code batchSize}
     * @param seed            the seed of every shuffle
     */
    public LengthGroupedSampler(int[] lengths, int batchSize, int megaBatchFactor, boolean dropLast, long seed) {
        if (batchSize < 1 || megaBatchFactor < 1) {
            throw new IllegalArgumentException("batchSize and megaBatchFactor must be positive: " + batchSize + ", "
                    + megaBatchFactor);
        }
        this.lengths = lengths.clone();
        this.batchSize = batchSize;
        this.megaBatchFactor = megaBatchFactor;
        this.dropLast = dropLast;
        this.seed = seed;
        if (batchesPerEpoch() == 0) {
            throw new IllegalArgumentException(lengths.length + " examples make no batch of " + batchSize);
        }
    }

    /** How many batches each epoch has. */
    public int batchesPerEpoch() {
        return dropLast ? lengths.length / batchSize : (lengths.length + batchSize - 1) / batchSize;
    }

    /** The batches of one epoch, in order. */
    public List<int[]> epoch(int epoch) {
        Random random = new Random(mix(seed, epoch));
        int[] order = IntStream.range(0, lengths.length).toArray();
        shuffle(order, random);
        int megaBatch = megaBatchFactor * batchSize;
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += megaBatch) {
            Integer[] group = Arrays.stream(order, from, Math.min(from + megaBatch, order.length)).boxed()
                    .toArray(Integer[]::new);
            Arrays.sort(group, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
            for (int b = 0; b < group.length; b += batchSize) {
                int[] batch = Arrays.stream(group, b, Math.min(b + batchSize, group.length)).mapToInt(i -> i).toArray();
                if (batch.length == batchSize || !dropLast) {
                    batches.add(batch);
                }
            }
        }
        int[] batchOrder = IntStream.range(0, batches.size()).toArray();
        shuffle(batchOrder, random);
        List<int[]> shuffled = new ArrayList<>(batches.size());
        for (int b : batchOrder) {
            shuffled.add(batches.get(b));
        }
        return shuffled;
    }

    /**
     * Batches from {@code start} on, through this epoch and every later one without end: stop after as many
     * steps or epochs as training needs.
     */
    public Iterator<Batch> from(SamplerPosition start) {
        if (start.batch() >= batchesPerEpoch()) {
            throw new IllegalArgumentException("batch " + start.batch() + " is past the end of an epoch of "
                    + batchesPerEpoch() + " batches");
        }
        return new Iterator<>() {
            private int epoch = start.epoch();
            private int batch = start.batch();
            private List<int[]> batches = epoch(epoch);

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Batch next() {
                if (batch == batches.size()) {
                    batches = epoch(++epoch);
                    batch = 0;
                }
                SamplerPosition here = new SamplerPosition(epoch, batch);
                int[] indices = batches.get(batch++);
                SamplerPosition next = batch == batches.size()
                        ? new SamplerPosition(epoch + 1, 0) : new SamplerPosition(epoch, batch);
                return new Batch(here, next, indices);
            }
        };
    }

    private static long mix(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
