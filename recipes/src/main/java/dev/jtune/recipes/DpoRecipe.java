package dev.jtune.recipes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.align.DpoLoss;
import dev.jtune.align.PreferenceBatch;
import dev.jtune.align.PreferenceLoss;
import dev.jtune.data.preference.PreferenceExampleBuilder;
import dev.jtune.data.sft.LengthGroupedSampler;
import dev.jtune.engine.GemmPeak;
import dev.jtune.lora.LoraConfig;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.Flops;
import dev.jtune.model.LlamaModel;
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
import java.util.Arrays;
import java.util.Map;

/**
 * Direct preference optimisation of a LoRA adapter: preference pairs in, a PEFT adapter out ({@code RUN_DIR/final}).
 * The reference model costs no second copy of the weights: without --adapter it is the base with adapters
 * disabled; with --adapter (an SFT adapter) that adapter is loaded twice, frozen as {@code reference} and trainable
 * as {@code default}, and the reference pass switches the active adapter. Reference log-probabilities are computed
 * per batch with nothing in their graph requiring a gradient, so they add a forward pass and no backward memory.
 * Rows longer than --seq-len are truncated.
 * <p>The default learning rate is 5e-5: TRL's 1e-6 (or 5e-6 with LoRA) is tuned for billion-parameter models, and
 * on small models it barely moves the adapter in a short run; 5e-5 is still 4x below this project's SFT default.
 * <pre>java -jar jtune.jar dpo --model BASE --data pairs.jsonl --out runs/dpo [--adapter runs/sft/final]</pre>
 */
public final class DpoRecipe {

    private static final Logger LOG = LoggerFactory.getLogger(DpoRecipe.class);
    static final String ADAPTER = "default";
    static final String REFERENCE = "reference";
    static final double DEFAULT_LR = 5e-5;

    private DpoRecipe() {
    }

    public static void main(String[] args) {
        System.exit(Main.run(Recipes.prepend("dpo", args)));
    }

    static Options options() {
        Options o = PreferenceData.addOptions(Recipes.trainingOptions(ModelOptions.add(new Options())));
        o.addOption(Cli.opt("beta", "X", "strength of the pull towards the reference (default 0.1)"));
        o.addOption(Cli.opt("loss", "NAME", "sigmoid (default) or ipo"));
        o.addOption(Cli.opt("label-smoothing", "X", "assumed share of flipped labels, sigmoid loss (default 0)"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("dpo", "Direct preference optimisation of a LoRA adapter on preference pairs.",
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
        DpoLoss dpo;
        try {
            dpo = new DpoLoss(s.number("beta", 0.1), DpoLoss.Type.of(s.string("loss", "sigmoid")),
                    s.number("label-smoothing", 0));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }

        try (Recipes.Base base = Recipes.loadBase(s);
             LoraModel lora = LoraModel.wrap(base.model())) {
            // set up: the policy adapter, the reference, the pairs
            Path startFrom = s.path("adapter", false);
            if (startFrom != null) {
                PeftAdapters.load(lora, startFrom, REFERENCE);
                lora.parameters(REFERENCE).values().forEach(p -> p.setRequiresGradient(false));
                PeftAdapters.load(lora, startFrom, ADAPTER);
            } else {
                lora.add(ADAPTER, loraConfig, seed);
            }
            lora.setActive(ADAPTER);
            lora.setTraining(true);
            LlamaModel model = base.model();
            Reference reference = new Reference(lora, startFrom != null);
            PreferenceData data = PreferenceData.load(s, base, seqLen, batchSize,
                    PreferenceExampleBuilder.TooLong.TRUNCATE, seed);
            LOG.info("DPO ({} loss, beta {}): {} training pairs, {} held-out batches, reference = {}",
                    dpo.type(), dpo.beta(), data.train().size(), data.heldOut().size(),
                    startFrom != null ? "the --adapter" : "the base model");

            LengthGroupedSampler sampler = new LengthGroupedSampler(data.lengths(), batchSize, seed);
            TrainConfig config = Recipes.trainConfig(s, sampler.batchesPerEpoch(), s.integer("grad-accum", 1),
                    DEFAULT_LR, seed);
            RunDirectory.writeRunJson(out, "dpo", s.resolved(), seed);

            // train
            Map<String, NDArray> params = lora.parameters(ADAPTER);
            long loraParams = params.values().stream().mapToLong(p -> p.getShape().size()).sum();
            Recipes.SampledBatches objective = new Recipes.SampledBatches(sampler,
                    (indices, scope) -> lossOf(data.batch(indices, base.padId()), model, reference, dpo, scope));
            try (TrainingLoop loop = TrainingLoop.builder(params, config, objective, out)
                    .heldOut(data.heldOut(lora, (b, scope) -> lossOf(b, model, reference, dpo, scope)))
                    // the policy's forward and backward plus the reference's forward
                    .flops(Flops.loraStep(model.config(), seqLen, loraParams) + Flops.forward(model.config(), seqLen),
                            GemmPeak.flopsPerSecond())
                    .build()) {
                if (s.flag("resume") && loop.resumeLatest()) {
                    LOG.info("resumed at step {}", loop.step());
                }
                TrainResult result = loop.run();
                LOG.info("finished at step {} with loss {}", result.step(), result.loss());
            }

            // save
            lora.setTraining(false);
            PeftAdapters.save(lora, ADAPTER, out.resolve("final"), base.modelPath().toString());
            Path metrics = out.resolve("metrics.jsonl");
            Plots.metrics(metrics, out.resolve("loss.png"), "DPO loss", "loss", "eval_loss");
            Plots.metrics(metrics, out.resolve("rewards.png"), "implicit rewards", "reward_chosen",
                    "reward_rejected", "eval_reward_chosen", "eval_reward_rejected");
            LOG.info("adapter written to {}", out.resolve("final"));
        }
        return 0;
    }

    /** The DPO loss of one batch: the policy's log-probabilities with gradient, the reference's without. */
    static Loss lossOf(PreferenceBatch batch, LlamaModel model, Reference reference, DpoLoss dpo, NDManager scope) {
        NDArray policy = batch.logProbs(model, scope);                                   // (2P)
        NDArray ref = reference.logProbs(batch, model, scope);                           // (2P)
        int[] tokens = batch.completionTokens();
        int p = batch.pairs();
        PreferenceLoss l = dpo.compute(batch.chosen(policy), batch.rejected(policy), batch.chosen(ref),
                batch.rejected(ref), Arrays.copyOfRange(tokens, 0, p), Arrays.copyOfRange(tokens, p, 2 * p));
        return new Loss(l.sum(), l.pairs(), batch.tokens(), l.metrics());
    }

    /** The reference policy over the same weights: the frozen {@code reference} adapter, or no adapter at all. */
    record Reference(LoraModel lora, boolean hasAdapter) {

        /** (2P) summed completion log-probabilities under the reference, detached from any graph. */
        NDArray logProbs(PreferenceBatch batch, LlamaModel model, NDManager scope) {
            boolean training = lora.isTraining();
            String active = lora.active();
            lora.setTraining(false);
            if (hasAdapter) {
                lora.setActive(REFERENCE);
            } else {
                lora.setEnabled(false);
            }
            try {
                return batch.logProbs(model, scope).stopGradient();                     // (2P)
            } finally {
                lora.setEnabled(true);
                lora.setActive(active);
                lora.setTraining(training);
            }
        }
    }
}
