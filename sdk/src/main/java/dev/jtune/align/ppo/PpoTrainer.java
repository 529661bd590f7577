package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.jtune.engine.Scalars;
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
 * PPO for language models (Ouyang et al. 2203.02155 as TRL implements it). One step:
 * <ol>
 * <li>rollout: sample one response per prompt from the policy adapter, score it;</li>
 * <li>with no gradient: log-probs of the sampled tokens under policy and reference, the critic's values;</li>
 * <li>rewards {@code -klCoef * kl_t} per token plus the score at the last token, GAE advantages and returns,
 *     advantages whitened;</li>
 * <li>{@code ppoEpochs} passes over shuffled minibatches: clipped policy loss + {@code vfCoef} * clipped value
 *     loss, one backward, global-norm clip, AdamW on policy and critic; an epoch stops early when the approximate
 *     KL passes {@code stopKl};</li>
 * <li>KL controller update, a metrics row, now and then sample responses and the curves.</li>
 * </ol>
 */
public final class PpoTrainer implements AutoCloseable {

    private final PolicyModels models;
    private final Rollouts rollouts;
    private final PpoConfig config;
    private final KlController kl;
    private final AdamW policyOptimizer;
    private final AdamW valueOptimizer;
    private final List<NDArray> trainable = new ArrayList<>();
    private final RunRecords records;
    private final Random random;

    public PpoTrainer(PolicyModels models, Rollouts rollouts, PpoConfig config, Path runDir) throws IOException {
        if (!models.hasCritic()) {
            throw new IllegalArgumentException("PPO needs a critic: give PolicyModels a value adapter and head");
        }
        this.models = models;
        this.rollouts = rollouts;
        this.config = config;
        this.kl = config.klController();
        Map<String, NDArray> policy = models.policyParameters();
        Map<String, NDArray> value = models.valueParameters();
        this.policyOptimizer = new AdamW(policy, AdamWConfig.defaults());
        this.valueOptimizer = new AdamW(value, AdamWConfig.defaults());
        trainable.addAll(policy.values());
        trainable.addAll(value.values());
        this.records = new RunRecords(runDir);
        this.random = new Random(config.seed());
    }

    /** Runs {@code config.steps()} PPO steps over {@code prompts}, reshuffled at every pass through them
     * (a step may take a prompt more than once when there are fewer prompts than a step needs). */
    public RlResult train(List<String> prompts) throws IOException {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to train on");
        }
        List<Double> scores = new ArrayList<>();
        List<Double> kls = new ArrayList<>();
        List<String> order = new ArrayList<>(prompts);
        int next = order.size();
        Progress progress = new Progress("ppo", config.steps(), 0);
        try {
            for (int step = 1; step <= config.steps(); step++) {
                List<String> stepPrompts = new ArrayList<>();
                while (stepPrompts.size() < config.batchSize()) {
                    if (next == order.size()) {
                        Collections.shuffle(order, random);
                        next = 0;
                    }
                    stepPrompts.add(order.get(next++));
                }
                Map<String, Object> row = step(step, stepPrompts);
                scores.add((Double) row.get("score"));
                kls.add((Double) row.get("kl"));
                progress.update(step, String.format(Locale.ROOT, "score %.3f | kl %.3f | %.0f tok/s",
                        row.get("score"), row.get("kl"), row.get("tokens_per_s")), true);
                if (config.sampleEvery() > 0 && step % config.sampleEvery() == 0) {
                    records.plot("PPO");
                }
            }
        } finally {
            progress.finish();
            records.plot("PPO");
        }
        return new RlResult(scores, kls);
    }

    /** One PPO step on {@code prompts} (one response each); returns the metrics row it logged. */
    public Map<String, Object> step(int step, List<String> prompts) throws IOException {
        long t0 = System.nanoTime();
        List<Rollout> batch = rollouts.sample(prompts, config.sampling().withSeed(config.sampling().seed()
                + 1_000_003L * step));
        double[] raw = rollouts.score(batch);
        ResponseBatch layout = ResponseBatch.of(batch, rollouts.padId());
        double temperature = config.sampling().temperature();
        double[][] logp = models.logProbs(layout, temperature, false);
        double[][] ref = models.logProbs(layout, temperature, true);
        double[][] values = models.values(layout);

        // rewards: KL penalty per token, score at the end; then GAE and whitened advantages
        int n = batch.size();
        double coef = kl.coef();
        double[] scores = new double[n];
        double[][] rewards = new double[n][];
        double klSum = 0;
        for (int b = 0; b < n; b++) {
            double[] k = new double[logp[b].length];
            for (int t = 0; t < k.length; t++) {
                k[t] = config.klEstimator().of(logp[b][t], ref[b][t]);
                klSum += k[t];
            }
            scores[b] = RewardShaping.score(raw[b], batch.get(b).eos(), config.missingEosPenalty(),
                    config.rewardClip());
            rewards[b] = RewardShaping.tokenRewards(k, k.length, coef, scores[b]);
        }
        double meanKl = klSum / n;
        if (config.whitenRewards()) {
            rewards = Whitening.whiten(rewards, false);
        }
        Gae.Result gae = Gae.compute(rewards, values, config.gamma(), config.lam());
        double[][] advantages = Whitening.whiten(gae.advantages(), true);

        Stats stats = update(batch, logp, values, advantages, gae.returns(), step);
        kl.update(meanKl, n);

        double seconds = (System.nanoTime() - t0) / 1e9;
        long tokens = batch.stream().mapToLong(Rollout::responseLength).sum();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("score", mean(raw));
        row.put("rlhf_reward", mean(raw) - coef * meanKl);
        row.put("kl", meanKl);
        row.put("kl_coef", coef);
        row.put("entropy", stats.mean("entropy"));
        row.put("clip_fraction", stats.mean("clip_fraction"));
        row.put("approx_kl", stats.mean("approx_kl"));
        row.put("policy_loss", stats.mean("policy_loss"));
        row.put("value_loss", stats.mean("value_loss"));
        row.put("value_clip_fraction", stats.mean("value_clip_fraction"));
        row.put("grad_norm", stats.mean("grad_norm"));
        row.put("minibatch_updates", stats.count());
        row.put("response_length", (double) tokens / n);
        row.put("eos_fraction", batch.stream().filter(Rollout::eos).count() / (double) n);
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

    /** The PPO epochs over shuffled minibatches of one rollout batch. */
    private Stats update(List<Rollout> batch, double[][] oldLogp, double[][] oldValues, double[][] advantages,
                         double[][] returns, int step) {
        int n = batch.size();
        int size = n / config.miniBatches();
        double temperature = config.sampling().temperature();
        Stats stats = new Stats();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Gradients.zero(trainable);
        epochs:
        for (int epoch = 0; epoch < config.ppoEpochs(); epoch++) {
            Collections.shuffle(order, random);
            for (int from = 0; from < n; from += size) {
                List<Integer> idx = order.subList(from, from + size);
                List<Rollout> part = new ArrayList<>();
                idx.forEach(i -> part.add(batch.get(i)));
                ResponseBatch mb = ResponseBatch.of(part, rollouts.padId());
                // policy and critic go backward one after the other: their gradients add up as one total loss's
                // would, and only one forward pass's activations are held at a time
                double[] policy = policyPass(mb, idx, oldLogp, advantages, temperature, stats);
                double valueLoss = valuePass(mb, idx, oldValues, returns, stats);
                double loss = policy[0] + config.vfCoef() * valueLoss;
                double approxKl = policy[1];
                double norm = Gradients.clipGlobalNorm(trainable, config.maxGradNorm());
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                    Gradients.zero(trainable);
                    throw new TrainingDivergedException(step, loss, norm, null);
                }
                stats.add("grad_norm", norm);
                policyOptimizer.step(config.lr());
                valueOptimizer.step(config.lr());
                Gradients.zero(trainable);
                stats.countUpdate();
                if (config.stopKl() != null && approxKl > config.stopKl()) {
                    break epochs;
                }
            }
        }
        return stats;
    }

    /** The clipped policy loss of one minibatch, backward; returns {loss, approximate KL}. */
    private double[] policyPass(ResponseBatch mb, List<Integer> idx, double[][] oldLogp, double[][] advantages,
                                double temperature, Stats stats) {
        try (NDManager scope = models.model().manager().newSubManager();
             GradientCollector gc = scope.getEngine().newGradientCollector()) {
            NDArray mask = mb.mask(scope);                                                       // (b, R)
            NDArray logits = models.policyLogits(mb, scope);                                     // (b, R, V)
            PpoLoss.PolicyTerms pg = PpoLoss.policy(mb.logProbs(logits, temperature),
                    mb.tensor(pick(oldLogp, idx), scope), mb.tensor(pick(advantages, idx), scope), mask,
                    config.cliprange());
            double loss = pg.loss().getFloat();
            stats.add("policy_loss", loss);
            stats.add("clip_fraction", pg.clipFraction());
            stats.add("approx_kl", pg.approxKl());
            stats.add("entropy", PpoLoss.entropy(logits, mask));
            gc.backward(pg.loss());
            return new double[] {loss, pg.approxKl()};
        }
    }

    /** The clipped value loss of one minibatch, weighted by vf_coef and backward; returns the unweighted loss. */
    private double valuePass(ResponseBatch mb, List<Integer> idx, double[][] oldValues, double[][] returns,
                             Stats stats) {
        try (NDManager scope = models.model().manager().newSubManager();
             GradientCollector gc = scope.getEngine().newGradientCollector()) {
            PpoLoss.ValueTerms vf = PpoLoss.value(models.values(mb, scope),
                    mb.tensor(pick(oldValues, idx), scope), mb.tensor(pick(returns, idx), scope), mb.mask(scope),
                    config.cliprangeValue());
            double loss = vf.loss().getFloat();
            stats.add("value_loss", loss);
            stats.add("value_clip_fraction", vf.clipFraction());
            gc.backward(Scalars.times(vf.loss(), config.vfCoef()));
            return loss;
        }
    }

    /** The rows at {@code idx}, in that order (a minibatch); shared with {@link GrpoTrainer}. */
    static double[][] pick(double[][] rows, List<Integer> idx) {
        double[][] out = new double[idx.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows[idx.get(i)];
        }
        return out;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Releases the optimizer state; the models belong to the caller. */
    @Override
    public void close() {
        policyOptimizer.close();
        valueOptimizer.close();
    }
}
