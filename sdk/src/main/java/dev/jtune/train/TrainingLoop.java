package dev.jtune.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The training loop every recipe shares. One optimizer step:
 * <ol>
 * <li>seed the engine's generator from (seed, step), so dropout and sampling replay exactly after a resume;</li>
 * <li>for each of {@code gradAccum} micro-batches, in its own NDManager scope and gradient collector, ask the
 *     {@link Objective} for the summed loss and back-propagate it (gradients add up);</li>
 * <li>divide every gradient by the target tokens of the whole window, so the loss is the mean over the window
 *     whatever the micro-batch sizes (as TRL and torchtune normalise);</li>
 * <li>clip to the global norm, stop with {@link TrainingDivergedException} if the loss or norm is not finite;</li>
 * <li>AdamW update at the scheduled learning rate, zero the gradients;</li>
 * <li>log to {@code RUN_DIR/metrics.jsonl}, evaluate, checkpoint and plot {@code RUN_DIR/loss.png} when due.</li>
 * </ol>
 * The trainable parameters are the map's arrays (FLOAT32, with gradients), updated in place; everything else the
 * objective uses is frozen. Close the loop to release the optimizer state.
 */
public final class TrainingLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    private final Map<String, NDArray> params;
    private final TrainConfig config;
    private final Objective objective;
    private final HeldOut heldOut;
    private final Path runDir;
    private final Double flopsPerToken;
    private final Double peakFlops;
    private final Engine engine;
    private final NDManager root;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final Checkpoints checkpoints;
    private final MetricsLog metrics;
    private int step;
    private Double bestEvalLoss;
    private double elapsedBefore;

    private TrainingLoop(Builder b) {
        if (b.params.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: the parameter map is empty");
        }
        this.params = b.params;
        this.config = b.config;
        this.objective = b.objective;
        this.heldOut = b.heldOut;
        this.runDir = b.runDir;
        this.flopsPerToken = b.flopsPerToken;
        this.peakFlops = b.peakFlops;
        NDArray first = params.values().iterator().next();
        this.engine = first.getManager().getEngine();
        this.optimizer = new AdamW(params, b.adamW == null ? config.adamW() : b.adamW);
        this.root = engine.newBaseManager(first.getDevice());
        this.schedule = config.lrSchedule();
        this.checkpoints = new Checkpoints(runDir, config.keepCheckpoints(), b.writer);
        this.metrics = new MetricsLog(runDir.resolve("metrics.jsonl"));
    }

    /** Starts a loop over {@code params} that trains {@code objective} and writes into {@code runDir}. */
    public static Builder builder(Map<String, NDArray> params, TrainConfig config, Objective objective,
                                  Path runDir) {
        return new Builder(params, config, objective, runDir);
    }

    /**
     * Loads the newest complete checkpoint of the run directory, if there is one: parameters, optimizer state,
     * data position, step and best eval loss; metrics logged after it are dropped. Returns whether it resumed.
     */
    public boolean resumeLatest() throws IOException {
        Optional<Path> latest = checkpoints.latest();
        if (latest.isEmpty()) {
            LOG.info("no checkpoint under {}: starting from step 0", runDir);
            return false;
        }
        TrainerState state = checkpoints.load(latest.get(), params, optimizer);
        if (!state.config().equals(config)) {
            LOG.warn("resuming {} with settings that differ from the saved ones: saved {}, now {}", latest.get(),
                    state.config(), config);
        }
        objective.restore(state.dataPosition());
        step = state.step();
        bestEvalLoss = state.bestEvalLoss();
        elapsedBefore = state.elapsedSeconds();
        metrics.truncateAfter(step);
        LOG.info("resumed from {} at step {}", latest.get(), step);
        return true;
    }

    /** Trains until {@code maxSteps}. */
    public TrainResult run() throws IOException {
        return run(config.maxSteps());
    }

    /**
     * Trains until step {@code stopAt} (at most {@code maxSteps}; the schedule still spans {@code maxSteps}) and
     * checkpoints there, so a later {@link #run} or a resumed process goes on from it.
     */
    public TrainResult run(int stopAt) throws IOException {
        if (stopAt < step || stopAt > config.maxSteps()) {
            throw new IllegalArgumentException("stopAt must lie in [" + step + ", " + config.maxSteps() + "], got "
                    + stopAt);
        }
        if (step == 0) {
            metrics.truncateAfter(0);
        }
        Gradients.zero(params.values());
        Progress progress = new Progress("train", config.maxSteps(), step);
        long started = System.nanoTime();
        double loss = Double.NaN;
        double norm = Double.NaN;
        Path saved = checkpoints.latest().orElse(null);
        long tokensSinceLog = 0;
        double secondsSinceLog = 0;
        try {
            while (step < stopAt) {
                int s = step + 1;
                long t0 = System.nanoTime();
                engine.setRandomSeed(seedFor(config.seed(), s));
                Window w = accumulate(s);
                norm = Gradients.clipGlobalNorm(params.values(), config.maxGradNorm());
                if (!Double.isFinite(w.loss()) || !Double.isFinite(norm)) {
                    Gradients.zero(params.values());
                    throw new TrainingDivergedException(s, w.loss(), norm, checkpoints.latest().orElse(null));
                }
                double lr = schedule.at(s);
                optimizer.step(lr);
                Gradients.zero(params.values());
                step = s;
                loss = w.loss();
                tokensSinceLog += w.tokens();
                secondsSinceLog += (System.nanoTime() - t0) / 1e9;
                double tokensPerSecond = tokensSinceLog / Math.max(secondsSinceLog, 1e-9);

                boolean logNow = step % config.logEvery() == 0 || step == stopAt;
                boolean evalNow = heldOut != null
                        && ((config.evalEvery() > 0 && step % config.evalEvery() == 0) || step == config.maxSteps());
                progress.update(step, String.format(Locale.ROOT, "loss %.4f | %.0f tok/s", loss, tokensPerSecond),
                        logNow);
                if (logNow || evalNow) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("step", step);
                    row.put("loss", loss);
                    row.put("lr", lr);
                    row.put("grad_norm", norm);
                    row.put("tokens_per_s", tokensPerSecond);
                    row.put("mfu", flopsPerToken == null ? null : tokensPerSecond * flopsPerToken / peakFlops);
                    row.put("rss_mb", ProcessMemory.rssMb());
                    row.put("elapsed_s", elapsedBefore + (System.nanoTime() - started) / 1e9);
                    row.putAll(w.metrics());
                    if (evalNow) {
                        row.putAll(evaluate());
                    }
                    metrics.append(row);
                    tokensSinceLog = 0;
                    secondsSinceLog = 0;
                }
                if (step % config.checkpointEvery() == 0 || step == stopAt) {
                    double elapsed = elapsedBefore + (System.nanoTime() - started) / 1e9;
                    saved = checkpoints.save(params, optimizer, new TrainerState(step, config.seed(),
                            optimizer.steps(), objective.state(), bestEvalLoss, elapsed, config));
                    plotLoss();
                }
            }
        } finally {
            progress.finish();
            elapsedBefore += (System.nanoTime() - started) / 1e9;
        }
        return new TrainResult(step, loss, norm, bestEvalLoss, saved);
    }

    /**
     * Evaluates the held-out set with no gradient: {@code eval_loss} (summed loss over target tokens),
     * {@code eval_perplexity} = exp(eval_loss), and the objective's own metrics averaged over batches with an
     * {@code eval_} prefix. Updates the best eval loss.
     */
    public Map<String, Double> evaluate() {
        if (heldOut == null) {
            throw new IllegalStateException("no held-out set was given to this loop");
        }
        if (heldOut.batches() < 1) {
            throw new IllegalStateException("the held-out set has no batches");
        }
        double sum = 0;
        long targets = 0;
        Map<String, Double> extra = new TreeMap<>();
        for (int i = 0; i < heldOut.batches(); i++) {
            try (NDManager scope = root.newSubManager()) {
                Loss l = heldOut.compute(i, scope);
                sum += l.sum().getFloat();
                targets += l.targetTokens();
                l.metrics().forEach((k, v) -> extra.merge("eval_" + k, v / heldOut.batches(), Double::sum));
            }
        }
        if (targets == 0) {
            throw new IllegalStateException("the held-out set has no target tokens");
        }
        double loss = sum / targets;
        if (bestEvalLoss == null || loss < bestEvalLoss) {
            bestEvalLoss = loss;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("eval_loss", loss);
        out.put("eval_perplexity", Math.exp(loss));
        out.putAll(extra);
        return out;
    }

    /** Optimizer steps completed. */
    public int step() {
        return step;
    }

    /** The checkpoints of this run. */
    public Checkpoints checkpoints() {
        return checkpoints;
    }

    /** Releases the optimizer state and the loop's scratch memory; the parameters stay open. */
    @Override
    public void close() {
        optimizer.close();
        root.close();
    }

    /** The loss and counts of one accumulation window. */
    record Window(double loss, long targetTokens, long tokens, Map<String, Double> metrics) {
    }

    /**
     * Runs the micro-batches of step {@code s}, back-propagating each, and leaves the parameters' gradients
     * normalised by the window's target tokens.
     */
    Window accumulate(int s) {
        double lossSum = 0;
        long targets = 0;
        long tokens = 0;
        Map<String, Double> extra = new TreeMap<>();
        for (int i = 0; i < config.gradAccum(); i++) {
            try (NDManager scope = root.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
                Loss l = objective.next(scope);
                gc.backward(l.sum());
                lossSum += l.sum().getFloat();
                targets += l.targetTokens();
                tokens += l.tokens();
                l.metrics().forEach((k, v) -> extra.merge(k, v / config.gradAccum(), Double::sum));
            }
        }
        if (targets == 0) {
            throw new IllegalStateException("step " + s + ": the " + config.gradAccum()
                    + " micro-batch(es) hold no target tokens; check the loss masks");
        }
        Gradients.scale(params.values(), 1.0 / targets);
        return new Window(lossSum / targets, targets, tokens, extra);
    }

    /** The engine seed for step {@code s}: a SplitMix64 hash of (seed, step), so nearby seeds do not overlap. */
    static int seedFor(long seed, int s) {
        long z = seed * 0x9E3779B97F4A7C15L + s;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (z & 0x7fffffff);
    }

    /** Redraws loss.png from metrics.jsonl; nothing to draw before the first row is logged. */
    private void plotLoss() {
        if (!Files.exists(metrics.file())) {
            return;
        }
        try {
            Plots.metrics(metrics.file(), runDir.resolve("loss.png"), "loss", "loss", "eval_loss");
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not draw {}: {}", runDir.resolve("loss.png"), e.toString());
        }
    }

    /** Optional parts of a {@link TrainingLoop}. */
    public static final class Builder {
        private final Map<String, NDArray> params;
        private final TrainConfig config;
        private final Objective objective;
        private final Path runDir;
        private HeldOut heldOut;
        private Double flopsPerToken;
        private Double peakFlops;
        private AdamWConfig adamW;
        private Checkpoints.TensorWriter writer = CheckpointFiles::write;

        private Builder(Map<String, NDArray> params, TrainConfig config, Objective objective, Path runDir) {
            if (params == null || config == null || objective == null || runDir == null) {
                throw new IllegalArgumentException("parameters, config, objective and run directory are required");
            }
            this.params = params;
            this.config = config;
            this.objective = objective;
            this.runDir = runDir;
        }

        /** A held-out set evaluated every {@code evalEvery} steps and at the last step. */
        public Builder heldOut(HeldOut heldOut) {
            this.heldOut = heldOut;
            return this;
        }

        /**
         * Enables the {@code mfu} metric: model FLOPs per processed token (e.g. 6N + 12LTD for a full step) over
         * the hardware's peak FLOP/s.
         */
        public Builder flops(double flopsPerToken, double peakFlopsPerSecond) {
            if (!(flopsPerToken > 0) || !(peakFlopsPerSecond > 0)) {
                throw new IllegalArgumentException("FLOPs per token and peak FLOP/s must be positive");
            }
            this.flopsPerToken = flopsPerToken;
            this.peakFlops = peakFlopsPerSecond;
            return this;
        }

        /** Optimizer settings other than torch's defaults; the config's weight decay is then ignored. */
        public Builder optimizer(AdamWConfig adamW) {
            this.adamW = adamW;
            return this;
        }

        /** Replaces how checkpoint tensors are written (tests use it to make writing fail). */
        Builder tensorWriter(Checkpoints.TensorWriter writer) {
            this.writer = writer;
            return this;
        }

        /** The loop, with a fresh optimizer state; call {@link TrainingLoop#resumeLatest()} to continue a run. */
        public TrainingLoop build() {
            return new TrainingLoop(this);
        }
    }
}
