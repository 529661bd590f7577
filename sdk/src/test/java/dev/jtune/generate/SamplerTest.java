package dev.jtune.generate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {

    @Test
    void greedyTakesTheArgmax() {
        Sampler s = new Sampler(SamplingParams.greedy(1));
        assertEquals(2, s.next(new float[] {0.1f, -3f, 2.5f, 2.4f}, new int[0], 0));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeScores() {
        float[] logits = {2f, -1f, 3f, 0.5f};
        Sampler.penalize(logits, new int[] {0, 1, 0, 9}, 3, 2f); // ids 0 and 1 seen (0 twice); 9 not in history range
        assertArrayEquals(new float[] {1f, -2f, 3f, 0.5f}, logits);
    }

    @Test
    void topKKeepsTheKBest() {
        // logits ln(1), ln(2), ln(3), ln(4) at temperature 1: top-2 keeps 3 and 4 -> 3/7 and 4/7
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)};
        double[] p = Sampler.probabilities(logits, 1.0, 2, 1.0);
        assertEquals(0, p[0], 0);
        assertEquals(0, p[1], 0);
        assertEquals(3.0 / 7, p[2], 1e-6);
        assertEquals(4.0 / 7, p[3], 1e-6);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities 0.1, 0.2, 0.3, 0.4: p = 0.6 keeps 0.4 then 0.3 (0.7 >= 0.6) -> 3/7, 4/7
        float[] logits = {(float) Math.log(1), (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)};
        double[] p = Sampler.probabilities(logits, 1.0, 0, 0.6);
        assertEquals(0, p[0], 0);
        assertEquals(0, p[1], 0);
        assertEquals(3.0 / 7, p[2], 1e-6);
        assertEquals(4.0 / 7, p[3], 1e-6);
    }

    @Test
    void temperatureSharpens() {
        // logits 0 and ln 2 at T = 0.5 become 0 and 2 ln 2: probabilities 1/5 and 4/5
        double[] p = Sampler.probabilities(new float[] {0f, (float) Math.log(2)}, 0.5, 0, 1.0);
        assertEquals(0.2, p[0], 1e-6);
        assertEquals(0.8, p[1], 1e-6);
    }

    @Test
    void sameSeedSameDraws() {
        SamplingParams params = SamplingParams.sample(1, 1.0, 42);
        float[] logits = new float[50];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i);
        }
        Sampler a = new Sampler(params);
        Sampler b = new Sampler(params);
        int[] fromA = new int[20];
        int[] fromB = new int[20];
        for (int i = 0; i < 20; i++) {
            fromA[i] = a.next(logits.clone(), new int[0], 0);
            fromB[i] = b.next(logits.clone(), new int[0], 0);
        }
        assertArrayEquals(fromA, fromB);
        assertTrue(java.util.Arrays.stream(fromA).distinct().count() > 3, "sampling should vary across draws");
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(1).withTopP(0));
        assertThrows(IllegalArgumentException.class,
                () -> new SamplingParams(1, -1, 0, 1, 1, 0, List.of(), true));
    }
}
