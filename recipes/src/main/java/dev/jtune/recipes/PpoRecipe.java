package dev.jtune.recipes;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.jtune.align.RewardHead;
import dev.jtune.align.ppo.KlEstimator;
import dev.jtune.align.ppo.PolicyModels;
import dev.jtune.align.ppo.PpoConfig;
import dev.jtune.align.ppo.PpoTrainer;
import dev.jtune.align.ppo.RewardAdapterScorer;
import dev.jtune.align.ppo.RewardFunction;
import dev.jtune.align.ppo.RlResult;
import dev.jtune.align.ppo.Rollouts;
import dev.jtune.align.ppo.Scorer;
import dev.jtune.generate.SamplingParams;
import dev.jtune.lora.LoraConfig;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.ScalarHead;
import org.apache.commons.cli.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PPO with LoRA adapters over one frozen base: prompts in, the policy adapter out ({@code RUN_DIR/final}).
 * Set up (base, policy from the SFT adapter or fresh, critic from the reward adapter or fresh, reference, reward)
 * → train ({@link PpoTrainer}) → save.
 * <pre>java -jar jtune.jar ppo --model BASE --adapter sft/final --reward-adapter rm/final --prompts p.jsonl --out runs/ppo</pre>
 */
public final class PpoRecipe {

    private static final Logger LOG = LoggerFactory.getLogger(PpoRecipe.class);

    private PpoRecipe() {
    }

    public static void main(String[] args) {
        System.exit(Main.run(Recipes.prepend("ppo", args)));
    }

    static Options options() {
        Options o = rlOptions(Recipes.trainingOptions(ModelOptions.add(new Options())));
        o.addOption(Cli.opt("ppo-epochs", "N", "passes over each rollout batch (default 4)"));
        o.addOption(Cli.opt("mini-batches", "N", "minibatches per pass (default 1)"));
        o.addOption(Cli.opt("kl-coef", "X", "initial KL penalty coefficient (default 0.05)"));
        o.addOption(Cli.opt("kl-estimator", "k1|k3", "per-token KL estimator of the penalty (default k1)"));
        o.addOption(Cli.opt("target-kl", "X", "adaptive KL controller target, summed KL per sequence "
                + "(default: fixed coefficient)"));
        o.addOption(Cli.opt("kl-horizon", "N", "adaptive KL controller horizon (default 10000)"));
        o.addOption(Cli.opt("stop-kl", "X", "end a step's epochs once a minibatch's approximate KL exceeds this"));
        o.addOption(Cli.opt("cliprange", "X", "policy ratio clip (default 0.2)"));
        o.addOption(Cli.opt("cliprange-value", "X", "value clip (default 0.2)"));
        o.addOption(Cli.opt("vf-coef", "X", "value loss weight (default 0.1)"));
        o.addOption(Cli.opt("gamma", "X", "discount (default 1)"));
        o.addOption(Cli.opt("lam", "X", "GAE lambda (default 0.95)"));
        o.addOption(Cli.opt("whiten-rewards", null, "whiten shaped rewards before GAE"));
        o.addOption(Cli.opt("missing-eos-penalty", "X", "subtracted from the score of a response with no EOS"));
        o.addOption(Cli.opt("reward-clip", "X", "clip scores to [-X, X]"));
        return o;
    }

    /** The flags PPO and GRPO share beyond the training ones. */
    static Options rlOptions(Options o) {
        o.addOption(Cli.opt("adapter", "DIR", "SFT adapter the policy starts from (default: a fresh adapter)"));
        o.addOption(Cli.opt("prompts", "FILE", "prompts: .jsonl with a \"prompt\" field, or text, one per line"));
        o.addOption(Cli.opt("eval-prompts", "FILE", "held-out prompts scored before and after training"));
        o.addOption(Cli.opt("template", "NAME", "how prompts are shown to the policy: llama3, chatml, alpaca, or raw "
                + "for the bare text (default: the model's chat template, else alpaca, as sft renders)"));
        o.addOption(Cli.opt("reward-adapter", "DIR", "reward model: PEFT adapter with a score head"));
        o.addOption(Cli.opt("reward-fn", "SPEC", "programmatic reward instead: contains:WORD (1 if the response "
                + "contains WORD, else 0)"));
        o.addOption(Cli.opt("ref", "base|sft", "reference model: the base, or a frozen copy of --adapter "
                + "(default sft with --adapter, else base)"));
        o.addOption(Cli.opt("response-length", "N", "tokens sampled per response at most"));
        o.addOption(Cli.opt("temperature", "T", "sampling temperature, also applied to log-probs"));
        o.addOption(Cli.opt("top-k", "K", "sample among the K most likely tokens (default 0: all)"));
        o.addOption(Cli.opt("top-p", "P", "nucleus sampling (default 1: off)"));
        o.addOption(Cli.opt("sample-every", "N", "steps between sample responses in samples.jsonl (default 10)"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("ppo", "PPO of a LoRA policy against a reward model or a reward function.", options(),
                args);
        if (cli == null) {
            return 0;
        }
        Settings s = Settings.of(cli);
        Path out = s.path("out", true);
        checkReward(s);
        List<String> prompts = readPrompts(promptsPath(s));
        Path evalPrompts = s.path("eval-prompts", false);
        long seed = s.integer("seed", 42);
        LoraConfig loraConfig = Recipes.loraConfig(s);
        SamplingParams sampling = sampling(s, 53, 0.7, seed);
        PpoConfig.Builder b = PpoConfig.builder().steps(s.integer("max-steps", 100))
                .batchSize(s.integer("batch-size", 16)).miniBatches(s.integer("mini-batches", 1))
                .ppoEpochs(s.integer("ppo-epochs", 4)).lr(s.number("lr", 1e-4))
                .maxGradNorm(s.number("max-grad-norm", 1.0)).klCoef(s.number("kl-coef", 0.05))
                .klEstimator(KlEstimator.valueOf(s.string("kl-estimator", "k1").toUpperCase(Locale.ROOT)))
                .klTarget(optional(s, "target-kl")).klHorizon(s.integer("kl-horizon", 10000))
                .stopKl(optional(s, "stop-kl")).cliprange(s.number("cliprange", 0.2))
                .cliprangeValue(s.number("cliprange-value", 0.2)).vfCoef(s.number("vf-coef", 0.1))
                .gamma(s.number("gamma", 1.0)).lam(s.number("lam", 0.95)).whitenRewards(s.flag("whiten-rewards"))
                .missingEosPenalty(optional(s, "missing-eos-penalty")).rewardClip(optional(s, "reward-clip"))
                .sampling(sampling).sampleEvery(s.integer("sample-every", 10)).seed(seed);
        PpoConfig config;
        try {
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }

        try (Recipes.Base base = Recipes.loadBase(s);
             LoraModel lora = LoraModel.wrap(base.model());
             NDManager heads = base.model().manager().newSubManager()) {
            // set up: policy, reference, critic and reward as adapters of the one base model
            String reference = loadPolicyAndReference(s, lora, loraConfig, seed);
            Path rewardAdapter = s.path("reward-adapter", false);
            ScalarHead valueHead;
            if (rewardAdapter != null) {
                PeftAdapters.load(lora, rewardAdapter, PolicyModels.VALUE);
                valueHead = RewardHead.load(rewardAdapter, base.model().config().hiddenSize(), heads, true).score();
            } else {
                lora.add(PolicyModels.VALUE, loraConfig, seed + 1);
                valueHead = ScalarHead.create(base.model().config().hiddenSize(), seed + 2, heads);
            }
            Scorer scorer = scorer(s, lora, base.padId(), heads);
            RunDirectory.writeRunJson(out, "ppo", s.resolved(), seed);
            PolicyModels models = new PolicyModels(lora, reference, valueHead, null);
            Rollouts rollouts = new Rollouts(models, base.tokenizer(), SftRecipe.promptIds(s, base), scorer);
            LOG.info("PPO: {} prompts, {} steps of {} rollouts, reference {}, reward {}", prompts.size(),
                    config.steps(), config.batchSize(), reference == null ? "base" : reference,
                    rewardAdapter != null ? rewardAdapter : s.string("reward-fn", null));

            // train
            Double before = evalPrompts == null ? null : heldOutScore(rollouts, evalPrompts, sampling);
            RlResult result;
            try (PpoTrainer trainer = new PpoTrainer(models, rollouts, config, out)) {
                result = trainer.train(prompts);
            }
            logResult(result, before, evalPrompts == null ? null : heldOutScore(rollouts, evalPrompts, sampling));

            // save
            PeftAdapters.save(lora, PolicyModels.POLICY, out.resolve("final"), base.modelPath().toString());
            LOG.info("policy adapter written to {}", out.resolve("final"));
        }
        return 0;
    }

    /** --prompts, or --data as the shared spelling. */
    static Path promptsPath(Settings s) {
        Path p = s.path("prompts", false);
        if (p == null) {
            p = s.path("data", false);
        }
        if (p == null) {
            throw new UsageException("--prompts is required");
        }
        return p;
    }

    static SamplingParams sampling(Settings s, int length, double temperature, long seed) {
        return new SamplingParams(s.integer("response-length", length), s.number("temperature", temperature),
                s.integer("top-k", 0), s.number("top-p", 1.0), 1.0, seed, List.of(), true);
    }

    static Double optional(Settings s, String name) {
        String v = s.string(name, null);
        if (v == null) {
            return null;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    /**
     * Loads the policy ({@code --adapter}, else a fresh adapter) and, for {@code --ref sft}, a frozen copy of the
     * same adapter; returns the reference adapter's name, or null for the base.
     */
    static String loadPolicyAndReference(Settings s, LoraModel lora, LoraConfig loraConfig, long seed)
            throws IOException {
        Path adapter = s.path("adapter", false);
        String ref = s.string("ref", adapter != null ? "sft" : "base");
        if (!ref.equals("base") && !ref.equals("sft")) {
            throw new UsageException("--ref must be base or sft, got '" + ref + "'");
        }
        if (ref.equals("sft") && adapter == null) {
            throw new UsageException("--ref sft needs the SFT adapter as --adapter");
        }
        if (adapter != null) {
            PeftAdapters.load(lora, adapter, PolicyModels.POLICY);
        } else {
            lora.add(PolicyModels.POLICY, loraConfig, seed);
        }
        if (ref.equals("sft")) {
            PeftAdapters.load(lora, adapter, PolicyModels.REFERENCE);
            return PolicyModels.REFERENCE;
        }
        return null;
    }

    /** The reward: {@code --reward-adapter} (loaded as the frozen adapter "reward") or {@code --reward-fn}. */
    static Scorer scorer(Settings s, LoraModel lora, int padId, NDManager heads) throws IOException {
        Path adapter = s.path("reward-adapter", false);
        String fn = s.string("reward-fn", null);
        checkReward(s);
        if (adapter != null) {
            return RewardAdapterScorer.load(lora, adapter, PolicyModels.REWARD, padId, heads);
        }
        return Scorer.of(rewardFunction(fn));
    }

    /** Refuses, before any model is loaded, a command line with both rewards or none, or an unknown function. */
    static void checkReward(Settings s) {
        Path adapter = s.path("reward-adapter", false);
        String fn = s.string("reward-fn", null);
        if ((adapter == null) == (fn == null)) {
            throw new UsageException("give exactly one of --reward-adapter DIR and --reward-fn SPEC");
        }
        if (fn != null) {
            rewardFunction(fn);
        }
    }

    /** A reward function by name: {@code contains:WORD}. */
    static RewardFunction rewardFunction(String spec) {
        if (spec.startsWith("contains:") && spec.length() > "contains:".length()) {
            String word = spec.substring("contains:".length());
            return (prompt, response) -> response.contains(word) ? 1.0 : 0.0;
        }
        throw new UsageException("--reward-fn '" + spec + "' is not known: use contains:WORD");
    }

    /** Prompts from a .jsonl file ({"prompt": ...} per line) or a text file (one per line); blank lines skipped. */
    static List<String> readPrompts(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("prompts file " + file + " does not exist");
        }
        boolean jsonl = file.getFileName().toString().endsWith(".jsonl");
        List<String> prompts = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            if (!jsonl) {
                prompts.add(line);
                continue;
            }
            try {
                JsonElement p = JsonParser.parseString(line).getAsJsonObject().get("prompt");
                if (p == null || !p.isJsonPrimitive()) {
                    throw new IllegalStateException("no \"prompt\" string");
                }
                prompts.add(p.getAsString());
            } catch (RuntimeException e) {
                throw new IOException(file + ":" + n + ": " + e.getMessage(), e);
            }
        }
        if (prompts.isEmpty()) {
            throw new IOException(file + " holds no prompts");
        }
        return prompts;
    }

    static double heldOutScore(Rollouts rollouts, Path file, SamplingParams sampling) throws IOException {
        return rollouts.meanScore(readPrompts(file), sampling.withSeed(sampling.seed() + 7), 32);
    }

    static void logResult(RlResult result, Double before, Double after) {
        List<Double> scores = result.scores();
        LOG.info("score {} -> {} over {} steps, final KL {}", String.format(Locale.ROOT, "%.3f", scores.get(0)),
                String.format(Locale.ROOT, "%.3f", scores.get(scores.size() - 1)), result.steps(),
                String.format(Locale.ROOT, "%.3f", result.kls().get(result.kls().size() - 1)));
        if (before != null) {
            LOG.info("held-out score {} -> {}", String.format(Locale.ROOT, "%.3f", before),
                    String.format(Locale.ROOT, "%.3f", after));
        }
    }
}
