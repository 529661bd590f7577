package dev.jtune.recipes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.align.CausalLmBatch;
import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.SftRecord;
import dev.jtune.data.sft.ChatRenderer;
import dev.jtune.data.sft.LengthGroupedSampler;
import dev.jtune.data.sft.PackedSequence;
import dev.jtune.data.sft.Packer;
import dev.jtune.data.sft.SftExample;
import dev.jtune.data.sft.SftExampleBuilder;
import dev.jtune.data.sft.SftFormat;
import dev.jtune.data.sft.SftOptions;
import dev.jtune.data.sft.SftReader;
import dev.jtune.data.sft.TemplateRenderer;
import dev.jtune.engine.GemmPeak;
import dev.jtune.lora.LoraConfig;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.Flops;
import dev.jtune.tokenizer.ChatTemplate;
import dev.jtune.tokenizer.Message;
import dev.jtune.tokenizer.Tokenizer;
import dev.jtune.train.Loss;
import dev.jtune.train.Plots;
import dev.jtune.train.TrainConfig;
import dev.jtune.train.TrainResult;
import dev.jtune.train.TrainingLoop;
import org.apache.commons.cli.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Supervised fine-tuning with a LoRA adapter: instruction data in, a PEFT adapter out ({@code RUN_DIR/final}).
 * Set up (model, adapter, data) → train (the shared loop: AdamW, schedule, clipping, checkpoints) → save.
 * <pre>java -jar jtune.jar sft --model BASE --data train.json --out runs/sft [--eval-data eval.json]</pre>
 */
public final class SftRecipe {

    private static final Logger LOG = LoggerFactory.getLogger(SftRecipe.class);
    static final String ADAPTER = "default";

    private SftRecipe() {
    }

    public static void main(String[] args) {
        System.exit(Main.run(Recipes.prepend("sft", args)));
    }

    static Options options() {
        Options o = Recipes.trainingOptions(ModelOptions.add(new Options()));
        o.addOption(Cli.opt("adapter", "DIR", "start from this PEFT adapter instead of a fresh one"));
        ModelOptions.addTemplate(o);
        o.addOption(Cli.opt("train-on-prompt", null, "compute the loss on prompt tokens too"));
        o.addOption(Cli.opt("pack", null, "pack short examples into full sequences"));
        o.addOption(Cli.opt("skip-bad-records", null, "skip and count malformed records instead of failing"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("sft", "Supervised fine-tuning of a LoRA adapter on instruction or chat data.",
                options(), args);
        if (cli == null) {
            return 0;
        }
        Settings s = Settings.of(cli);
        Path out = s.path("out", true);
        Path data = s.path("data", true);
        Path evalData = s.path("eval-data", false);
        int seqLen = s.integer("seq-len", 512);
        int batchSize = s.integer("batch-size", 4);
        long seed = s.integer("seed", 42);
        LoraConfig loraConfig = Recipes.loraConfig(s);
        ErrorPolicy policy = s.flag("skip-bad-records") ? ErrorPolicy.SKIP : ErrorPolicy.FAIL;

        try (Recipes.Base base = Recipes.loadBase(s);
             LoraModel lora = LoraModel.wrap(base.model())) {
            // set up: the adapter, the examples, the batches
            Path startFrom = s.path("adapter", false);
            if (startFrom != null) {
                PeftAdapters.load(lora, startFrom, ADAPTER);
            } else {
                lora.add(ADAPTER, loraConfig, seed);
            }
            lora.setTraining(true);
            ChatRenderer renderer = renderer(s, base.tokenizerDir());
            SftExampleBuilder builder = new SftExampleBuilder(base.tokenizer(), renderer,
                    new SftOptions(seqLen, s.flag("train-on-prompt")));
            SftReader reader = new SftReader(SftFormat.AUTO, policy, "\n\n");
            List<SftRecord> records = reader.readAll(data).records();
            List<SftRecord> heldOutRecords;
            if (evalData != null) {
                heldOutRecords = reader.readAll(evalData).records();
            } else {
                double fraction = s.number("eval-fraction", 0.1);
                List<SftRecord> shuffled = new ArrayList<>(records);
                java.util.Collections.shuffle(shuffled, new Random(seed));
                int n = (int) Math.round(shuffled.size() * fraction);
                heldOutRecords = shuffled.subList(0, n);
                records = shuffled.subList(n, shuffled.size());
            }
            List<CausalLmBatch> train = batches(builder.buildAll(records).examples(), s.flag("pack"), seqLen,
                    base.padId());
            List<CausalLmBatch> heldOut = Recipes.fixedBatches(
                    batches(builder.buildAll(heldOutRecords).examples(), false, seqLen, base.padId()), batchSize);
            LOG.info("SFT: {} training rows, {} held-out rows, LoRA r={} alpha={} on {}", train.size(),
                    heldOut.stream().mapToInt(CausalLmBatch::rows).sum(), loraConfig.r(), loraConfig.alpha(),
                    loraConfig.targetModules());

            int[] lengths = train.stream().mapToInt(CausalLmBatch::length).toArray();
            LengthGroupedSampler sampler = new LengthGroupedSampler(lengths, batchSize, seed);
            int gradAccum = s.integer("grad-accum", 1);
            TrainConfig config = Recipes.trainConfig(s, sampler.batchesPerEpoch(), gradAccum, 2e-4, seed);
            RunDirectory.writeRunJson(out, "sft", s.resolved(), seed);

            // train
            Map<String, NDArray> params = lora.parameters(ADAPTER);
            long loraParams = params.values().stream().mapToLong(p -> p.getShape().size()).sum();
            Recipes.SampledBatches objective = new Recipes.SampledBatches(sampler,
                    (indices, scope) -> lossOf(Recipes.merge(train, indices), base, scope));
            try (TrainingLoop loop = TrainingLoop.builder(params, config, objective, out)
                    .heldOut(Recipes.heldOut(heldOut, base, lora))
                    .flops(Flops.loraStep(base.model().config(), seqLen, loraParams), GemmPeak.flopsPerSecond())
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
            Plots.metrics(out.resolve("metrics.jsonl"), out.resolve("loss.png"), "SFT loss", "loss", "eval_loss");
            LOG.info("adapter written to {}", out.resolve("final"));
        }
        return 0;
    }

    static Loss lossOf(CausalLmBatch batch, Recipes.Base base, NDManager scope) {
        CausalLmBatch.Result r = batch.loss(base.model(), scope);
        return new Loss(r.sum(), r.targets(), batch.tokens(), Map.of());
    }

    /** One row per example (or per packed sequence); rows are merged into batches by the sampler's indices. */
    static List<CausalLmBatch> batches(List<SftExample> examples, boolean pack, int seqLen, int padId) {
        List<CausalLmBatch> rows = new ArrayList<>();
        if (pack) {
            for (PackedSequence p : new Packer(seqLen, padId).pack(examples)) {
                rows.add(new CausalLmBatch(new int[][] {p.inputIds()}, new int[][] {p.labels()},
                        new int[][] {p.positionIds()}, new int[][] {p.segmentIds()}));
            }
        } else {
            for (SftExample e : examples) {
                rows.add(new CausalLmBatch(new int[][] {e.inputIds()}, new int[][] {e.labels()}, null, null));
            }
        }
        return rows;
    }

    /** The chat renderer of {@link #chatTemplate}; reward and DPO render pairs the same way. */
    static ChatRenderer renderer(Settings s, Path tokenizerDir) {
        ChatTemplate template = chatTemplate(s, tokenizerDir);
        return new TemplateRenderer(template, template != ChatTemplate.builtIn("alpaca")); // alpaca has no end of turn
    }

    /** The chat template: --template, else the model's own, else alpaca. */
    static ChatTemplate chatTemplate(Settings s, Path tokenizerDir) {
        String name = s.string("template", null);
        if (name != null) {
            try {
                return ChatTemplate.builtIn(name);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--template: " + e.getMessage());
            }
        }
        if (tokenizerDir != null && Files.isDirectory(tokenizerDir)) {
            try {
                return ChatTemplate.fromDirectory(tokenizerDir);
            } catch (IOException e) {
                LOG.info("{}; using the built-in alpaca template", e.getMessage());
            }
        }
        return ChatTemplate.builtIn("alpaca");
    }

    /**
     * How PPO and GRPO turn a prompt into the ids the policy continues: one user turn rendered by
     * {@link #chatTemplate} with its generation prompt, exactly as SFT and the reward model saw conversations;
     * {@code --template raw} gives the bare text, for a base model continuing documents.
     */
    static Function<String, int[]> promptIds(Settings s, Recipes.Base base) {
        Tokenizer tokenizer = base.tokenizer();
        if ("raw".equalsIgnoreCase(s.string("template", ""))) {
            return tokenizer::encode;
        }
        ChatTemplate template = chatTemplate(s, base.tokenizerDir());
        return prompt -> template.promptIds(tokenizer, List.of(new Message("user", prompt)));
    }
}
