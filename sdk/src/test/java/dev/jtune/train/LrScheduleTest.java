package dev.jtune.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LrScheduleTest {

    // peak 1e-3, 10 warm-up steps, 110 in all, floor 0.1 * peak = 1e-4; the cosine spans steps 10..110.
    private final LrSchedule cosine = new LrSchedule(LrSchedule.Shape.COSINE, 1e-3, 10, 110, 0.1);

    @Test
    void warmUpIsLinearFromZero() {
        assertEquals(0.0, cosine.at(0), 1e-15);
        assertEquals(1e-4, cosine.at(1), 1e-15);       // 1e-3 * 1/10
        assertEquals(5e-4, cosine.at(5), 1e-15);       // 1e-3 * 5/10
        assertEquals(1e-3, cosine.at(10), 1e-15);      // the peak
    }

    @Test
    void cosineDecaysToTheFloor() {
        // step 35: progress 25/100 = 0.25; 1e-4 + 9e-4 * (1 + cos(pi/4)) / 2 = 1e-4 + 9e-4 * 0.85355339 = 8.6819805e-4
        assertEquals(8.6819805e-4, cosine.at(35), 1e-11);
        // step 60: progress 0.5; 1e-4 + 9e-4 * (1 + 0) / 2 = 5.5e-4
        assertEquals(5.5e-4, cosine.at(60), 1e-15);
        assertEquals(1e-4, cosine.at(110), 1e-15);
        assertEquals(1e-4, cosine.at(500), 1e-15);     // stays at the floor past the end
    }

    @Test
    void constantHoldsThePeakAfterWarmUp() {
        LrSchedule constant = new LrSchedule(LrSchedule.Shape.CONSTANT, 2e-5, 4, 100, 0.1);
        assertEquals(1e-5, constant.at(2), 1e-18);
        assertEquals(2e-5, constant.at(4), 1e-18);
        assertEquals(2e-5, constant.at(100), 1e-18);
        LrSchedule noWarmUp = new LrSchedule(LrSchedule.Shape.CONSTANT, 2e-5, 0, 100, 0.1);
        assertEquals(2e-5, noWarmUp.at(1), 1e-18);
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Shape.COSINE, 1e-3, 20, 10, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Shape.COSINE, 1e-3, 0, 10, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Shape.COSINE, -1, 0, 10, 0.1));
    }
}
