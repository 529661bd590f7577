package dev.jtune.align.ppo;

import com.google.gson.Gson;
import dev.jtune.train.MetricsLog;
import dev.jtune.train.Plots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an RL run writes into its run directory: {@code metrics.jsonl} (one row per step), {@code samples.jsonl}
 * (prompts, responses and scores now and then), and the curves {@code reward.png} and {@code kl.png}.
 */
final class RunRecords {

    private static final Logger LOG = LoggerFactory.getLogger(RunRecords.class);
    private static final Gson GSON = new Gson();
    private static final int SAMPLES_PER_STEP = 4;

    private final Path runDir;
    private final MetricsLog metrics;

    RunRecords(Path runDir) throws IOException {
        this.runDir = runDir;
        Files.createDirectories(runDir);
        this.metrics = new MetricsLog(runDir.resolve("metrics.jsonl"));
        metrics.truncateAfter(0);
        Files.deleteIfExists(runDir.resolve("samples.jsonl"));
    }

    void metrics(Map<String, Object> row) throws IOException {
        metrics.append(row);
    }

    /** The first few rollouts of a step with their scores. */
    void samples(int step, List<Rollout> rollouts, double[] scores) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(runDir.resolve("samples.jsonl"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int i = 0; i < Math.min(SAMPLES_PER_STEP, rollouts.size()); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("step", step);
                row.put("prompt", rollouts.get(i).prompt());
                row.put("response", rollouts.get(i).response());
                row.put("eos", rollouts.get(i).eos());
                row.put("score", scores[i]);
                w.write(GSON.toJson(row));
                w.write('\n');
            }
        }
    }

    /** Redraws reward.png and kl.png from the metrics so far; a failure to draw is logged, not thrown. */
    void plot(String stage) {
        try {
            Plots.metrics(metrics.file(), runDir.resolve("reward.png"), stage + " reward", "score");
            Plots.metrics(metrics.file(), runDir.resolve("kl.png"), stage + " KL to the reference", "kl");
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not draw the {} curves in {}: {}", stage, runDir, e.toString());
        }
    }
}
