package dev.jtune.recipes;

import ai.djl.ndarray.NDManager;
import dev.jtune.align.CausalLmBatch;
import dev.jtune.data.sft.LengthGroupedSampler;
import dev.jtune.data.sft.Batch;
import dev.jtune.data.sft.SamplerPosition;
import dev.jtune.engine.Engines;
import dev.jtune.io.Checkpoint;
import dev.jtune.io.Checkpoints;
import dev.jtune.lora.LoraConfig;
import dev.jtune.lora.LoraModel;
import dev.jtune.model.LlamaModel;
import dev.jtune.tokenizer.HfTokenizer;
import dev.jtune.tokenizer.Tokenizer;
import dev.jtune.train.HeldOut;
import dev.jtune.train.Loss;
import dev.jtune.train.LrSchedule;
import dev.jtune.train.Objective;
import dev.jtune.train.TrainConfig;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Small helpers the recipes share: loading the base, common flags, batching, and the loop's objective. */
final class Recipes {

    private Recipes() {
    }

    static String[] prepend(String command, String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    /** The flags every training recipe shares (DESIGN.md's spellings). */
    static Options trainingOptions(Options o) {
        o.addOption(Cli.opt("out", "RUN_DIR", "run directory: run.json, metrics.jsonl, checkpoints/, final/"));
        o.addOption(Cli.opt("config", "FILE.json", "settings by flag name; flags override them"));
        o.addOption(Cli.opt("data", "FILE", "training data"));
        o.addOption(Cli.opt("eval-data", "FILE", "held-out data (default: a seeded share of --data)"));
        o.addOption(Cli.opt("eval-fraction", "X", "share of --data held out when no --eval-data (default 0.1)"));
        o.addOption(Cli.opt("max-steps", "N", "optimizer steps (default: --epochs over the data)"));
        o.addOption(Cli.opt("epochs", "N", "passes over the data when --max-steps is not given (default 1)"));
        o.addOption(Cli.opt("lr", "X", "peak learning rate"));
        o.addOption(Cli.opt("warmup-steps", "N", "linear warm-up steps (default 3% of the steps)"));
        o.addOption(Cli.opt("weight-decay", "X", "decoupled weight decay (default 0)"));
        o.addOption(Cli.opt("max-grad-norm", "X", "global gradient-norm clip (default 1)"));
        o.addOption(Cli.opt("batch-size", "N", "sequences per micro-batch"));
        o.addOption(Cli.opt("grad-accum", "N", "micro-batches per optimizer step (default 1)"));
        o.addOption(Cli.opt("seq-len", "N", "maximum tokens per sequence"));
        o.addOption(Cli.opt("lora-r", "N", "LoRA rank (default 8)"));
        o.addOption(Cli.opt("lora-alpha", "X", "LoRA alpha (default 16)"));
        o.addOption(Cli.opt("lora-dropout", "X", "dropout on the LoRA input (default 0)"));
        o.addOption(Cli.opt("lora-targets", "LIST", "comma-separated q_proj,...,down_proj or all-linear (default)"));
        o.addOption(Cli.opt("rslora", null, "scale by alpha/sqrt(r) instead of alpha/r"));
        o.addOption(Cli.opt("log-every", "N", "steps between metrics lines (default 10)"));
        o.addOption(Cli.opt("eval-every", "N", "steps between held-out evaluations (default a tenth of the run)"));
        o.addOption(Cli.opt("checkpoint-every", "N", "steps between checkpoints (default a tenth of the run)"));
        o.addOption(Cli.opt("seed", "N", "seed for initialisation, sampling and shuffling (default 42)"));
        o.addOption(Cli.opt("resume", null, "continue from the newest complete checkpoint in --out"));
        return o;
    }

    static LoraConfig loraConfig(Settings s) {
        List<String> targets = Arrays.stream(s.string("lora-targets", "all-linear").split(","))
                .map(String::strip).filter(t -> !t.isEmpty()).toList();
        return new LoraConfig(s.integer("lora-r", 8), s.number("lora-alpha", 16), s.number("lora-dropout", 0),
                targets, s.flag("rslora"), LoraConfig.Init.KAIMING_UNIFORM);
    }

    static TrainConfig trainConfig(Settings s, int batchesPerEpoch, int gradAccum, double defaultLr, long seed) {
        int epochs = s.integer("epochs", 1);
        int steps = s.integer("max-steps", Math.max(1, epochs * batchesPerEpoch / gradAccum));
        int tenth = Math.max(1, steps / 10);
        return new TrainConfig(steps, gradAccum, s.number("lr", defaultLr),
                s.integer("warmup-steps", (int) Math.round(steps * 0.03)), 0.1, LrSchedule.Shape.COSINE,
                s.number("weight-decay", 0.0), s.number("max-grad-norm", 1.0),
                s.integer("log-every", Math.min(10, steps)), s.integer("eval-every", tenth),
                s.integer("checkpoint-every", tenth), 2, seed);
    }

    /** The frozen base model and its tokenizer, as a recipe loads them from --model (and --tokenizer). */
    record Base(LlamaModel model, Tokenizer tokenizer, Path modelPath, Path tokenizerDir) implements AutoCloseable {

        int padId() {
            int pad = tokenizer.specialTokens().pad();
            return pad >= 0 ? pad : tokenizer.specialTokens().eos().isEmpty() ? 0 : tokenizer.specialTokens().eos()
                    .get(0);
        }

        @Override
        public void close() {
            model.close();
            tokenizer.close();
        }
    }

    static Base loadBase(Settings s) throws IOException {
        Path model = s.path("model", true);
        Path tokenizerPath = s.path("tokenizer", false);
        if (tokenizerPath == null) {
            if (!Files.isDirectory(model)) {
                throw new UsageException("--model " + model + " is a file: give its tokenizer with --tokenizer");
            }
            tokenizerPath = model;
        }
        Tokenizer tokenizer = HfTokenizer.load(tokenizerPath);
        try (Checkpoint checkpoint = Checkpoints.open(model)) {
            LlamaModel llama = LlamaModel.load(checkpoint.config(), checkpoint.tensors(),
                    Engines.device(s.string("device", "cpu")));
            Path tokenizerDir = Files.isDirectory(tokenizerPath) ? tokenizerPath : tokenizerPath.getParent();
            return new Base(llama, tokenizer, model, tokenizerDir);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** Rows (one sequence each) merged into one batch: right-padded, or stacked when they are packed. */
    static CausalLmBatch merge(List<CausalLmBatch> rows, int[] indices) {
        int n = indices.length;
        int[][] ids = new int[n][];
        int[][] labels = new int[n][];
        boolean packed = rows.get(indices[0]).segments() != null;
        int[][] positions = packed ? new int[n][] : null;
        int[][] segments = packed ? new int[n][] : null;
        for (int i = 0; i < n; i++) {
            CausalLmBatch row = rows.get(indices[i]);
            ids[i] = row.inputIds()[0];
            labels[i] = row.labels()[0];
            if (packed) {
                positions[i] = row.positions()[0];
                segments[i] = row.segments()[0];
            }
        }
        return packed ? new CausalLmBatch(ids, labels, positions, segments) : CausalLmBatch.padded(ids, labels, 0);
    }

    /** Consecutive rows in fixed batches of {@code size}, for evaluation. */
    static List<CausalLmBatch> fixedBatches(List<CausalLmBatch> rows, int size) {
        List<CausalLmBatch> out = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += size) {
            int[] idx = new int[Math.min(size, rows.size() - from)];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = from + i;
            }
            out.add(merge(rows, idx));
        }
        return out;
    }

    /** Evaluation of fixed batches with adapter dropout off. */
    static HeldOut heldOut(List<CausalLmBatch> batches, Base base, LoraModel lora) {
        return new HeldOut() {
            @Override
            public int batches() {
                return batches.size();
            }

            @Override
            public Loss compute(int index, NDManager scope) {
                boolean training = lora != null && lora.isTraining();
                if (lora != null) {
                    lora.setTraining(false);
                }
                try {
                    CausalLmBatch b = batches.get(index);
                    CausalLmBatch.Result r = b.loss(base.model(), scope);
                    return new Loss(r.sum(), r.targets(), b.tokens(), Map.of());
                } finally {
                    if (lora != null) {
                        lora.setTraining(training);
                    }
                }
            }
        };
    }

    /** The loop's objective over batches drawn by a resumable length-grouped sampler. */
    static final class SampledBatches implements Objective {
        private final LengthGroupedSampler sampler;
        private final BiFunction<int[], NDManager, Loss> loss;
        private Iterator<Batch> batches;
        private SamplerPosition next = SamplerPosition.START;

        SampledBatches(LengthGroupedSampler sampler, BiFunction<int[], NDManager, Loss> loss) {
            this.sampler = sampler;
            this.loss = loss;
        }

        @Override
        public Loss next(NDManager scope) {
            if (batches == null) {
                batches = sampler.from(next);
            }
            Batch b = batches.next();
            next = b.next();
            return loss.apply(b.indices(), scope);
        }

        @Override
        public Map<String, Object> state() {
            return Map.of("epoch", next.epoch(), "batch", next.batch());
        }

        @Override
        public void restore(Map<String, Object> state) {
            next = new SamplerPosition(((Number) state.get("epoch")).intValue(),
                    ((Number) state.get("batch")).intValue());
            batches = null;
        }
    }
}
