package dev.jtune.recipes;

import ai.djl.ndarray.NDManager;
import dev.jtune.align.ppo.GrpoAdvantages;
import dev.jtune.align.ppo.GrpoConfig;
import dev.jtune.align.ppo.GrpoTrainer;
import dev.jtune.align.ppo.PolicyModels;
import dev.jtune.align.ppo.RlResult;
import dev.jtune.align.ppo.Rollouts;
import dev.jtune.align.ppo.Scorer;
import dev.jtune.generate.SamplingParams;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import org.apache.commons.cli.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * GRPO with a LoRA policy over one frozen base: prompts in, the policy adapter out ({@code RUN_DIR/final}). No
 * critic; rewards from a reward adapter or a reward function. Set up → train ({@link GrpoTrainer}) → save.
 * <pre>java -jar jtune.jar grpo --model BASE --prompts p.txt --reward-fn contains:Lily --out runs/grpo</pre>
 */
public final class GrpoRecipe {

    private static final Logger LOG = LoggerFactory.getLogger(GrpoRecipe.class);

    private GrpoRecipe() {
    }

    public static void main(String[] args) {
        System.exit(Main.run(Recipes.prepend("grpo", args)));
    }

    static Options options() {
        Options o = PpoRecipe.rlOptions(Recipes.trainingOptions(ModelOptions.add(new Options())));
        o.addOption(Cli.opt("group-size", "N", "completions per prompt (default 8); --batch-size counts prompts"));
        o.addOption(Cli.opt("num-iterations", "N", "passes over each generation (default 1)"));
        o.addOption(Cli.opt("mini-batches", "N", "minibatches per pass (default 1)"));
        o.addOption(Cli.opt("epsilon", "X", "lower ratio clip (default 0.2)"));
        o.addOption(Cli.opt("epsilon-high", "X", "upper ratio clip (default: --epsilon; DAPO uses 0.28)"));
        o.addOption(Cli.opt("beta", "X", "weight of the k3 KL to the reference (default 0)"));
        o.addOption(Cli.opt("scale-rewards", "group|batch|none", "advantage scaling (default group)"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("grpo", "GRPO of a LoRA policy against a reward model or a reward function.",
                options(), args);
        if (cli == null) {
            return 0;
        }
        Settings s = Settings.of(cli);
        Path out = s.path("out", true);
        PpoRecipe.checkReward(s);
        List<String> prompts = PpoRecipe.readPrompts(PpoRecipe.promptsPath(s));
        Path evalPrompts = s.path("eval-prompts", false);
        long seed = s.integer("seed", 42);
        SamplingParams sampling = PpoRecipe.sampling(s, 256, 1.0, seed);
        GrpoConfig config;
        try {
            config = GrpoConfig.builder().steps(s.integer("max-steps", 100))
                    .promptsPerStep(s.integer("batch-size", 4)).groupSize(s.integer("group-size", 8))
                    .numIterations(s.integer("num-iterations", 1)).miniBatches(s.integer("mini-batches", 1))
                    .lr(s.number("lr", 1e-4)).maxGradNorm(s.number("max-grad-norm", 1.0))
                    .epsilon(s.number("epsilon", 0.2)).epsilonHigh(PpoRecipe.optional(s, "epsilon-high"))
                    .beta(s.number("beta", 0.0))
                    .scaleRewards(GrpoAdvantages.Scale.valueOf(s.string("scale-rewards", "group")
                            .toUpperCase(Locale.ROOT)))
                    .sampling(sampling).sampleEvery(s.integer("sample-every", 10)).seed(seed).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }

        try (Recipes.Base base = Recipes.loadBase(s);
             LoraModel lora = LoraModel.wrap(base.model());
             NDManager heads = base.model().manager().newSubManager()) {
            // set up: policy, reference and reward as adapters of the one base model
            String reference = PpoRecipe.loadPolicyAndReference(s, lora, Recipes.loraConfig(s), seed);
            Scorer scorer = PpoRecipe.scorer(s, lora, base.padId(), heads);
            RunDirectory.writeRunJson(out, "grpo", s.resolved(), seed);
            PolicyModels models = new PolicyModels(lora, reference, null, null);
            Rollouts rollouts = new Rollouts(models, base.tokenizer(), SftRecipe.promptIds(s, base), scorer);
            LOG.info("GRPO: {} prompts, {} steps of {} prompts x {} completions, reference {}", prompts.size(),
                    config.steps(), config.promptsPerStep(), config.groupSize(),
                    reference == null ? "base" : reference);

            // train
            Double before = evalPrompts == null ? null : PpoRecipe.heldOutScore(rollouts, evalPrompts, sampling);
            RlResult result;
            try (GrpoTrainer trainer = new GrpoTrainer(models, rollouts, config, out)) {
                result = trainer.train(prompts);
            }
            PpoRecipe.logResult(result, before,
                    evalPrompts == null ? null : PpoRecipe.heldOutScore(rollouts, evalPrompts, sampling));

            // save
            PeftAdapters.save(lora, PolicyModels.POLICY, out.resolve("final"), base.modelPath().toString());
            LOG.info("policy adapter written to {}", out.resolve("final"));
        }
        return 0;
    }
}
