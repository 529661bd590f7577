package dev.jtune.train;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainConfigTest {

    @Test
    void defaultsScaleWithTheRun() {
        TrainConfig c = TrainConfig.defaults(1000, 2e-5);
        assertEquals(30, c.warmupSteps());
        assertEquals(100, c.evalEvery());
        assertEquals(100, c.checkpointEvery());
        assertEquals(1.0, c.maxGradNorm());
        assertEquals(2e-5, c.lrSchedule().at(30), 1e-20);
        assertEquals(2e-6, c.lrSchedule().at(1000), 1e-15);
    }

    @Test
    void rejectsBadValuesByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainConfig(10, 0, 1e-3, 0, 0.1, null, 0, 1, 1, 0, 1, 1, 0));
        assertTrue(e.getMessage().contains("gradAccum"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new TrainConfig(10, 1, Double.NaN, 0, 0.1, null, 0, 1, 1, 0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new TrainConfig(10, 1, 1e-3, 11, 0.1, null, 0, 1, 1, 0, 1, 1, 0));
    }

    @Test
    void trainerStateRoundTripsThroughJson() {
        TrainerState s = new TrainerState(12, 42, 12, Map.of("epoch", 1L, "offset", 37L, "file", "a.jsonl"),
                2.5, 31.0, TrainConfig.defaults(100, 1e-4));
        String json = s.toJson();
        assertTrue(json.contains("\"data_position\"") && json.contains("\"max_grad_norm\""), json);
        assertEquals(s, TrainerState.fromJson(json, "trainer_state.json"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainerState.fromJson("{\"step\": 3}", "ckpt/trainer_state.json"));
        assertTrue(e.getMessage().contains("ckpt/trainer_state.json"), e.getMessage());
    }
}
