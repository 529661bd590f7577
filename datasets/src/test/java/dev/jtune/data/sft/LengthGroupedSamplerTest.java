package dev.jtune.data.sft;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LengthGroupedSamplerTest {

    private static final int[] LENGTHS = new Random(7).ints(1003, 1, 500).toArray();

    private static boolean same(List<int[]> a, List<int[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static long spread(List<int[]> batches) {
        long total = 0;
        for (int[] b : batches) {
            int[] l = Arrays.stream(b).map(i -> LENGTHS[i]).toArray();
            total += Arrays.stream(l).max().orElseThrow() - Arrays.stream(l).min().orElseThrow();
        }
        return total;
    }

    @Test
    void everyIndexOncePerEpochInBatchesOfSimilarLength() {
        LengthGroupedSampler sampler = new LengthGroupedSampler(LENGTHS, 8, 5);
        List<int[]> batches = sampler.epoch(0);
        assertEquals(126, sampler.batchesPerEpoch());
        assertEquals(126, batches.size());
        int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(IntStream.range(0, LENGTHS.length).toArray(), all);
        assertEquals(1, batches.stream().filter(b -> b.length != 8).count());

        List<int[]> unsorted = new ArrayList<>();
        for (int from = 0; from < LENGTHS.length; from += 8) {
            unsorted.add(IntStream.range(from, Math.min(from + 8, LENGTHS.length)).toArray());
        }
        assertTrue(spread(batches) * 10 < spread(unsorted), spread(batches) + " vs " + spread(unsorted));
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndEpochsDiffer() {
        List<int[]> a = new LengthGroupedSampler(LENGTHS, 8, 5).epoch(1);
        assertTrue(same(a, new LengthGroupedSampler(LENGTHS, 8, 5).epoch(1)));
        assertFalse(same(a, new LengthGroupedSampler(LENGTHS, 8, 6).epoch(1)));
        assertFalse(same(a, new LengthGroupedSampler(LENGTHS, 8, 5).epoch(2)));
    }

    @Test
    void resumingFromAPositionGivesTheBatchesThatFollowedIt() {
        LengthGroupedSampler sampler = new LengthGroupedSampler(LENGTHS, 16, 4, true, 3);
        assertEquals(62, sampler.batchesPerEpoch());
        List<Batch> straight = new ArrayList<>();
        Iterator<Batch> it = sampler.from(SamplerPosition.START);
        for (int i = 0; i < 150; i++) {
            straight.add(it.next());
        }
        assertTrue(straight.stream().allMatch(b -> b.indices().length == 16));
        assertEquals(new SamplerPosition(1, 0), straight.get(61).next());
        assertEquals(new SamplerPosition(2, 25), straight.get(150 - 1).position());

        SamplerPosition saved = straight.get(99).next();
        Iterator<Batch> resumed = new LengthGroupedSampler(LENGTHS, 16, 4, true, 3).from(saved);
        for (int i = 100; i < 150; i++) {
            assertEquals(straight.get(i), resumed.next());
        }
    }
}
