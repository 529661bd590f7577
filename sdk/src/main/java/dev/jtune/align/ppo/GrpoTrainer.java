package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.jtune.train.AdamW;
import dev.jtune.train.AdamWConfig;
import dev.jtune.train.Gradients;
import dev.jtune.train.ProcessMemory;
import dev.jtune.train.Progress;
import dev.jtune.train.TrainingDivergedException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * GRPO (Shao et al. 2402.03300, as TRL's {@code GRPOTrainer} with {@code loss_type="dapo"}). No critic: each
 * prompt gets {@code groupSize} completions, and a completion's advantage is its reward against its group's. One
 * step:
 * <ol>
 * <li>sample {@code groupSize} completions for each of {@code promptsPerStep} prompts, score them;</li>
 * <li>group-normalised advantages; with no gradient, the reference's log-probs (for the KL term and the logged
 *     KL) and, when the policy moves before the last update ({@code numIterations} or {@code miniBatches} above 1),
 *     the sampling policy's;</li>
 * <li>{@code numIterations} passes over shuffled minibatches of the clipped token objective (+ beta * k3 KL),
 *     divided by the minibatch's completion tokens; backward, clip, AdamW on the policy adapter.</li>
 * </ol>
 * With one pass and one minibatch the old log-probs are the new ones detached (ratio 1), as TRL does.
 */
public final class GrpoTrainer implements AutoCloseable {

    private final PolicyModels models;
    private final Rollouts rollouts;
    private final GrpoConfig config;
    private final AdamW optimizer;
    private final List<NDArray> trainable;
    private final RunRecords records;
    private final Random random;

    public GrpoTrainer(PolicyModels models, Rollouts rollouts, GrpoConfig config, Path runDir) throws IOException {
        this.models = models;
        this.rollouts = rollouts;
        this.config = config;
        Map<String, NDArray> policy = models.policyParameters();
        this.optimizer = new AdamW(policy, AdamWConfig.defaults());
        this.trainable = new ArrayList<>(policy.values());
        this.records = new RunRecords(runDir);
        this.random = new Random(config.seed());
    }

    /** Runs {@code config.steps()} GRPO steps over {@code prompts}, reshuffled at every pass through them
     * (a step may take a prompt more than once when there are fewer prompts than a step needs). */
    public RlResult train(List<String> prompts) throws IOException {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to train on");
        }
        List<Double> scores = new ArrayList<>();
        List<Double> kls = new ArrayList<>();
        List<String> order = new ArrayList<>(prompts);
        int next = order.size();
        Progress progress = new Progress("grpo", config.steps(), 0);
        try {
            for (int step = 1; step <= config.steps(); step++) {
                List<String> stepPrompts = new ArrayList<>();
                while (stepPrompts.size() < config.promptsPerStep()) {
                    if (next == order.size()) {
                        Collections.shuffle(order, random);
                        next = 0;
                    }
                    stepPrompts.add(order.get(next++));
                }
                Map<String, Object> row = step(step, stepPrompts);
                scores.add((Double) row.get("score"));
                kls.add((Double) row.get("kl"));
                progress.update(step, String.format(Locale.ROOT, "score %.3f | kl %.4f | %.0f tok/s",
                        row.get("score"), row.get("kl"), row.get("tokens_per_s")), true);
                if (config.sampleEvery() > 0 && step % config.sampleEvery() == 0) {
                    records.plot("GRPO");
                }
            }
        } finally {
            progress.finish();
            records.plot("GRPO");
        }
        return new RlResult(scores, kls);
    }

    /** One GRPO step on {@code prompts} ({@code groupSize} completions each); returns the metrics row it logged. */
    public Map<String, Object> step(int step, List<String> prompts) throws IOException {
        long t0 = System.nanoTime();
        List<String> repeated = new ArrayList<>();
        for (String p : prompts) {
            for (int g = 0; g < config.groupSize(); g++) {
                repeated.add(p);
            }
        }
        List<Rollout> batch = rollouts.sample(repeated, config.sampling().withSeed(config.sampling().seed()
                + 1_000_003L * step));
        double[] raw = rollouts.score(batch);
        double[] advantages = GrpoAdvantages.compute(raw, config.groupSize(), config.scaleRewards());
        ResponseBatch layout = ResponseBatch.of(batch, rollouts.padId());
        double temperature = config.sampling().temperature();
        boolean detachedOld = config.numIterations() == 1 && config.miniBatches() == 1;
        double[][] ref = models.logProbs(layout, temperature, true);
        double[][] old = detachedOld ? null : models.logProbs(layout, temperature, false);

        Stats stats = update(batch, old, ref, advantages, step);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long tokens = batch.stream().mapToLong(Rollout::responseLength).sum();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("score", PpoTrainer.mean(raw));
        row.put("score_std", std(raw));
        row.put("kl", stats.mean("kl"));
        row.put("entropy", stats.mean("entropy"));
        row.put("clip_fraction", stats.mean("clip_fraction"));
        row.put("loss", stats.mean("loss"));
        row.put("grad_norm", stats.mean("grad_norm"));
        row.put("minibatch_updates", stats.count());
        row.put("response_length", (double) tokens / batch.size());
        row.put("eos_fraction", batch.stream().filter(Rollout::eos).count() / (double) batch.size());
        row.put("lr", config.lr());
        row.put("tokens_per_s", tokens / seconds);
        row.put("step_s", seconds);
        row.put("rss_mb", ProcessMemory.rssMb());
        records.metrics(row);
        if (config.sampleEvery() > 0 && (step == 1 || step % config.sampleEvery() == 0)) {
            records.samples(step, batch, raw);
        }
        return row;
    }

    private Stats update(List<Rollout> batch, double[][] old, double[][] ref, double[] advantages, int step) {
        int n = batch.size();
        int size = n / config.miniBatches();
        double temperature = config.sampling().temperature();
        Stats stats = new Stats();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Gradients.zero(trainable);
        for (int iteration = 0; iteration < config.numIterations(); iteration++) {
            if (config.miniBatches() > 1) {
                Collections.shuffle(order, random);
            }
            for (int from = 0; from < n; from += size) {
                List<Integer> idx = order.subList(from, from + size);
                List<Rollout> part = new ArrayList<>();
                float[] adv = new float[idx.size()];
                for (int i = 0; i < idx.size(); i++) {
                    part.add(batch.get(idx.get(i)));
                    adv[i] = (float) advantages[idx.get(i)];
                }
                ResponseBatch mb = ResponseBatch.of(part, rollouts.padId());
                double loss;
                try (NDManager scope = models.model().manager().newSubManager();
                     GradientCollector gc = scope.getEngine().newGradientCollector()) {
                    NDArray mask = mb.mask(scope);                                               // (b, R)
                    NDArray logits = models.policyLogits(mb, scope);                             // (b, R, V)
                    NDArray logp = mb.logProbs(logits, temperature);                             // (b, R)
                    NDArray oldLogp = old == null ? logp.stopGradient() : mb.tensor(PpoTrainer.pick(old, idx), scope);
                    GrpoLoss.Terms t = GrpoLoss.loss(logp, oldLogp, mb.tensor(PpoTrainer.pick(ref, idx), scope),
                            scope.create(adv), mask, config.epsilon(), config.epsilonHigh(), config.beta());
                    loss = t.loss().getFloat();
                    stats.add("loss", loss);
                    stats.add("kl", t.kl());
                    stats.add("clip_fraction", t.clipFraction());
                    stats.add("entropy", PpoLoss.entropy(logits, mask));
                    gc.backward(t.loss());
                }
                double norm = Gradients.clipGlobalNorm(trainable, config.maxGradNorm());
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                    Gradients.zero(trainable);
                    throw new TrainingDivergedException(step, loss, norm, null);
                }
                stats.add("grad_norm", norm);
                optimizer.step(config.lr());
                Gradients.zero(trainable);
                stats.countUpdate();
            }
        }
        return stats;
    }

    private static double std(double[] x) {
        double m = PpoTrainer.mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / Math.max(1, x.length - 1));
    }

    /** Releases the optimizer state; the models belong to the caller. */
    @Override
    public void close() {
        optimizer.close();
    }
}
