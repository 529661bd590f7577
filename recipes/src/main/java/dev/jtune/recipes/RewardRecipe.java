package dev.jtune.recipes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.align.PairwiseRewardLoss;
import dev.jtune.align.PreferenceBatch;
import dev.jtune.align.PreferenceLoss;
import dev.jtune.align.RewardHead;
import dev.jtune.data.preference.PreferenceExampleBuilder;
import dev.jtune.data.sft.LengthGroupedSampler;
import dev.jtune.engine.GemmPeak;
import dev.jtune.lora.LoraConfig;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.Flops;
import dev.jtune.model.LlamaModel;
import dev.jtune.model.ScalarHead;
import dev.jtune.train.Loss;
import dev.jtune.train.Plots;
import dev.jtune.train.TrainConfig;
import dev.jtune.train.TrainResult;
import dev.jtune.train.TrainingLoop;
import org.apache.commons.cli.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reward model training: preference pairs in, a PEFT adapter with a {@code score} head out ({@code RUN_DIR/final},
 * task type SEQ_CLS, the head under {@code modules_to_save}), loadable with {@code RewardModel.load}.
 * The reward of a sequence is the head read at its last token, plus, with --likelihood-weight w, w times the mean
 * log-probability of the reply's tokens under the model's own LM head ({@link RewardHead}); the loss is
 * {@code -log σ(r_c - r_r - margin)} (+ the optional centring term), as in TRL's reward trainer. Pairs longer than
 * --seq-len are left out.
 * <p>With --adapter the reward adapter starts as a copy of that (SFT) adapter and keeps training it, rather than
 * merging it and stacking a new one: the saved reward adapter then holds everything, so applications load only
 * the base and this one directory.
 * <pre>java -jar jtune.jar reward --model BASE --data pairs.jsonl --out runs/rm [--adapter runs/sft/final]</pre>
 */
public final class RewardRecipe {

    private static final Logger LOG = LoggerFactory.getLogger(RewardRecipe.class);
    static final String ADAPTER = "default";

    private RewardRecipe() {
    }

    public static void main(String[] args) {
        System.exit(Main.run(Recipes.prepend("reward", args)));
    }

    static Options options() {
        Options o = PreferenceData.addOptions(Recipes.trainingOptions(ModelOptions.add(new Options())));
        o.addOption(Cli.opt("center-rewards", "X", "weight of mean((r_c + r_r)^2) keeping rewards near 0 "
                + "(default 0; 0.01 is usual)"));
        o.addOption(Cli.opt("likelihood-weight", "W", "add W x the reply's mean token log-probability to the "
                + "head's score, so the model can draw on what its LM knows (default 0: the head alone)"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("reward", "Train a reward model (LoRA adapter + score head) on preference pairs.",
                options(), args);
        if (cli == null) {
            return 0;
        }
        Settings s = Settings.of(cli);
        Path out = s.path("out", true);
        int seqLen = s.integer("seq-len", 512);
        int batchSize = s.integer("batch-size", 4);
        long seed = s.integer("seed", 42);
        LoraConfig loraConfig = Recipes.loraConfig(s);
        PairwiseRewardLoss objectiveLoss = new PairwiseRewardLoss(s.number("center-rewards", 0));

        try (Recipes.Base base = Recipes.loadBase(s);
             LoraModel lora = LoraModel.wrap(base.model())) {
            // set up: the adapter, the head, the pairs
            Path startFrom = s.path("adapter", false);
            if (startFrom != null) {
                PeftAdapters.load(lora, startFrom, ADAPTER);
            } else {
                lora.add(ADAPTER, loraConfig, seed);
            }
            lora.setTraining(true);
            LlamaModel model = base.model();
            RewardHead head = new RewardHead(ScalarHead.create(model.config().hiddenSize(), seed, model.manager()),
                    s.number("likelihood-weight", 0));
            PreferenceData data = PreferenceData.load(s, base, seqLen, batchSize,
                    PreferenceExampleBuilder.TooLong.DROP, seed);
            LOG.info("reward model: {} training pairs, {} held-out batches, LoRA r={} on {}, likelihood weight {}",
                    data.train().size(), data.heldOut().size(), lora.config(ADAPTER).r(),
                    lora.config(ADAPTER).targetModules(), head.likelihoodWeight());

            LengthGroupedSampler sampler = new LengthGroupedSampler(data.lengths(), batchSize, seed);
            TrainConfig config = Recipes.trainConfig(s, sampler.batchesPerEpoch(), s.integer("grad-accum", 1), 1e-4,
                    seed);
            RunDirectory.writeRunJson(out, "reward", s.resolved(), seed);

            // train: the adapter and the head, the loss normalised per pair
            Map<String, NDArray> params = lora.parameters(ADAPTER);
            long loraParams = params.values().stream().mapToLong(p -> p.getShape().size()).sum();
            params.put(RewardHead.HEAD_KEY, head.score().weight());
            Recipes.SampledBatches objective = new Recipes.SampledBatches(sampler,
                    (indices, scope) -> lossOf(data.batch(indices, base.padId()), model, head, objectiveLoss, scope));
            try (TrainingLoop loop = TrainingLoop.builder(params, config, objective, out)
                    .heldOut(data.heldOut(lora, (b, scope) -> lossOf(b, model, head, objectiveLoss, scope)))
                    .flops(Flops.loraStep(model.config(), seqLen, loraParams), GemmPeak.flopsPerSecond())
                    .build()) {
                if (s.flag("resume") && loop.resumeLatest()) {
                    LOG.info("resumed at step {}", loop.step());
                }
                TrainResult result = loop.run();
                LOG.info("finished at step {} with loss {}", result.step(), result.loss());
            }

            // save
            lora.setTraining(false);
            PeftAdapters.save(lora, ADAPTER, out.resolve("final"), base.modelPath().toString(), "SEQ_CLS",
                    Map.of(ScalarHead.NAME, head.score().weight()), head.configFiles());
            Path metrics = out.resolve("metrics.jsonl");
            Plots.metrics(metrics, out.resolve("loss.png"), "reward model loss", "loss", "eval_loss");
            Plots.metrics(metrics, out.resolve("accuracy.png"), "pairwise accuracy", "accuracy", "eval_accuracy");
            LOG.info("reward adapter written to {}", out.resolve("final"));
        }
        return 0;
    }

    /** The pairwise loss of one batch: both replies scored in one forward pass. */
    static Loss lossOf(PreferenceBatch batch, LlamaModel model, RewardHead head, PairwiseRewardLoss loss,
                       NDManager scope) {
        NDArray rewards = batch.rewards(model, head, scope);                              // (2P)
        PreferenceLoss l = loss.compute(batch.chosen(rewards), batch.rejected(rewards), batch.margins());
        return new Loss(l.sum(), l.pairs(), batch.tokens(), l.metrics());
    }
}
