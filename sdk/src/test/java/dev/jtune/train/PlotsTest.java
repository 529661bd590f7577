package dev.jtune.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotsTest {

    @TempDir
    Path tmp;

    @Test
    void plotsAnyNamedMetricsOfARun() throws IOException {
        MetricsLog log = new MetricsLog(tmp.resolve("metrics.jsonl"));
        for (int step = 1; step <= 30; step++) {
            log.append(Map.of("step", step, "reward_mean", Math.log(step), "kl", step * 0.01));
        }
        log.append(Map.of("step", 31, "kl", Double.NaN));
        Path png = tmp.resolve("reward.png");
        assertTrue(Plots.metrics(log.file(), png, "PPO", "reward_mean", "kl"));
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertEquals(540, img.getHeight());
        assertFalse(Plots.metrics(log.file(), tmp.resolve("none.png"), "absent", "eval_loss"));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("metrics.jsonl", "reward.png"), files.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "no temporary or empty files are left");
        }
    }

    @Test
    void seriesSkipsRowsWithoutAFiniteValue() throws IOException {
        MetricsLog log = new MetricsLog(tmp.resolve("m.jsonl"));
        log.append(Map.of("step", 1, "loss", 2.0));
        log.append(Map.of("step", 2, "eval_loss", 1.5));
        log.append(Map.of("step", 3, "loss", Double.POSITIVE_INFINITY));
        log.append(Map.of("step", 4, "loss", 1.0));
        Series s = Series.fromMetrics(MetricsLog.read(log.file()), "loss");
        assertArrayEquals(new double[] {1, 4}, s.steps());
        assertArrayEquals(new double[] {2.0, 1.0}, s.values());
    }

    @Test
    void resumedLogDropsRowsPastTheCheckpoint() throws IOException {
        MetricsLog log = new MetricsLog(tmp.resolve("m.jsonl"));
        for (int step = 1; step <= 5; step++) {
            log.append(Map.of("step", step, "loss", 1.0 / step));
        }
        log.truncateAfter(3);
        assertEquals(List.of(1, 2, 3), MetricsLog.read(log.file()).stream().map(r -> r.get("step").getAsInt())
                .toList());
    }
}
