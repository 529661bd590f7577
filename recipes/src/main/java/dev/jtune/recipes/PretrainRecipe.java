package dev.jtune.recipes;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.align.CausalLmLoss;
import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.TextDocument;
import dev.jtune.data.corpus.CorpusOptions;
import dev.jtune.data.corpus.CorpusPreparer;
import dev.jtune.data.corpus.PreparedCorpus;
import dev.jtune.data.corpus.TokenStream;
import dev.jtune.data.corpus.Window;
import dev.jtune.data.corpus.WindowSampler;
import dev.jtune.data.io.DocumentReader;
import dev.jtune.engine.Engines;
import dev.jtune.engine.GemmPeak;
import dev.jtune.io.DType;
import dev.jtune.io.HfCheckpointWriter;
import dev.jtune.model.Flops;
import dev.jtune.model.LlamaConfig;
import dev.jtune.model.LlamaInit;
import dev.jtune.model.LlamaModel;
import dev.jtune.tokenizer.BpeModel;
import dev.jtune.tokenizer.BpeTrainer;
import dev.jtune.tokenizer.BpeTrainerConfig;
import dev.jtune.tokenizer.HfTokenizer;
import dev.jtune.tokenizer.SpecialTokens;
import dev.jtune.train.HeldOut;
import dev.jtune.train.Loss;
import dev.jtune.train.Objective;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Pretraining from scratch: raw text in, a Hugging Face checkpoint out ({@code RUN_DIR/final}).
 * Set up (tokenizer: given or trained; corpus shards; a freshly initialised model) → train every weight with the
 * shared loop → save.
 * <pre>java -jar jtune.jar pretrain --data corpus.txt --size micro --vocab-size 2048 --out runs/pretrain</pre>
 */
public final class PretrainRecipe {

    private static final Logger LOG = LoggerFactory.getLogger(PretrainRecipe.class);

    private PretrainRecipe() {
    }

    public static void main(String[] args) {
        System.exit(Main.run(Recipes.prepend("pretrain", args)));
    }

    static Options options() {
        Options o = Recipes.trainingOptions(new Options());
        o.addOption(Cli.opt("tokenizer", "PATH", "an existing tokenizer.json or its directory (default: train one)"));
        o.addOption(Cli.opt("vocab-size", "N", "vocabulary of the tokenizer trained when none is given (4096)"));
        o.addOption(Cli.opt("size", "NAME", "model size: micro, mini, tiny, small (default micro)"));
        o.addOption(Cli.opt("device", "NAME", "cpu (default), gpu or gpu:N"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("pretrain", "Pretrain a LLaMA-style model from raw text (txt, jsonl text fields, dirs).",
                options(), args);
        if (cli == null) {
            return 0;
        }
        Settings s = Settings.of(cli);
        Path out = s.path("out", true);
        List<Path> inputs = inputs(s.string("data", null));
        long seed = s.integer("seed", 42);
        int seqLen = s.integer("seq-len", 256);
        int batchSize = s.integer("batch-size", 8);
        Files.createDirectories(out);

        // set up: tokenizer, corpus, model
        Path tokenizerDir = tokenizer(s, inputs, out.resolve("tokenizer"));
        try (HfTokenizer tokenizer = HfTokenizer.load(tokenizerDir)) {
            Path corpusDir = out.resolve("corpus");
            PreparedCorpus corpus = Files.isRegularFile(corpusDir.resolve(PreparedCorpus.MANIFEST))
                    ? PreparedCorpus.read(corpusDir)
                    : new CorpusPreparer(tokenizer, CorpusOptions.of(s.number("eval-fraction", 0.05), seed))
                            .prepare(inputs, corpusDir);
            SpecialTokens special = tokenizer.specialTokens();
            List<Integer> eos = new ArrayList<>(special.eos());
            // a chat turn ends with <|eot_id|>: generation stops there too, as Llama-3-Instruct configs say
            tokenizer.tokenId("<|eot_id|>").ifPresent(id -> {
                if (!eos.contains(id)) {
                    eos.add(id);
                }
            });
            LlamaConfig config = ModelSizes.of(s.string("size", "micro"), tokenizer.vocabSize(), seqLen,
                    special.bos(), eos, special.pad());
            LOG.info("pretraining {} parameters ({} layers, width {}) on {} training tokens", config
                    .nonEmbeddingParameters() + (long) config.vocabSize() * config.hiddenSize(), config.numLayers(),
                    config.hiddenSize(), corpus.split(CorpusPreparer.TRAIN).tokens());
            TokenStream train = TokenStream.open(corpusDir, CorpusPreparer.TRAIN);
            TokenStream validation = TokenStream.open(corpusDir, CorpusPreparer.VALIDATION);
            int tokensPerStep = batchSize * seqLen * s.integer("grad-accum", 1);
            int stepsPerEpoch = (int) Math.max(1, train.size() / tokensPerStep);
            TrainConfig trainConfig = Recipes.trainConfig(s, stepsPerEpoch * s.integer("grad-accum", 1),
                    s.integer("grad-accum", 1), 3e-3, seed);
            RunDirectory.writeRunJson(out, "pretrain", s.resolved(), seed);

            // train
            Device device = Engines.device(s.string("device", "cpu"));
            try (LlamaModel model = LlamaInit.initialize(config, seed, device)) {
                Map<String, NDArray> params = model.weights();
                params.values().forEach(p -> p.setRequiresGradient(true));
                Windows objective = new Windows(model, new WindowSampler(train, seqLen, seed), batchSize);
                try (TrainingLoop loop = TrainingLoop.builder(params, trainConfig, objective, out)
                        .heldOut(heldOut(model, validation, seqLen, batchSize))
                        .flops(Flops.fullStep(config, seqLen), GemmPeak.flopsPerSecond())
                        .build()) {
                    if (s.flag("resume") && loop.resumeLatest()) {
                        LOG.info("resumed at step {}", loop.step());
                    }
                    TrainResult result = loop.run();
                    LOG.info("finished at step {} with loss {}", result.step(), result.loss());
                }
                // save
                for (NDArray p : params.values()) {
                    p.setRequiresGradient(false);
                }
                HfCheckpointWriter.write(out.resolve("final"), config, params, tokenizerDir, DType.F32);
            }
            Plots.metrics(out.resolve("metrics.jsonl"), out.resolve("loss.png"), "pretraining loss", "loss",
                    "eval_loss");
            LOG.info("model written to {}", out.resolve("final"));
        }
        return 0;
    }

    /** The tokenizer to use: --tokenizer, else one trained on the inputs into {@code dir} (reused on resume). */
    private static Path tokenizer(Settings s, List<Path> inputs, Path dir) throws IOException {
        Path given = s.path("tokenizer", false);
        if (given != null) {
            return Files.isDirectory(given) ? given : given.getParent();
        }
        int vocab = s.integer("vocab-size", 4096);
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            List<String> texts = new ArrayList<>();
            DocumentReader reader = new DocumentReader(ErrorPolicy.SKIP, "\n\n");
            for (Path p : inputs) {
                reader.read(p, (TextDocument d) -> texts.add(d.text()));
            }
            long t0 = System.nanoTime();
            BpeModel bpe = new BpeTrainer(new BpeTrainerConfig(vocab)).trainOnTexts(texts);
            bpe.save(dir);
            LOG.info("trained a byte-level BPE tokenizer of {} tokens in {} s", bpe.vocabSize(),
                    String.format("%.1f", (System.nanoTime() - t0) / 1e9));
        }
        return dir;
    }

    static List<Path> inputs(String spec) throws IOException {
        if (spec == null) {
            throw new UsageException("--data is required: text files, JSONL with a text field, or directories");
        }
        List<Path> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            Path p = Path.of(part.strip());
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.walk(p)) {
                    files.filter(Files::isRegularFile).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new UsageException("--data " + p + " does not exist");
            }
        }
        return out;
    }

    /** Random windows of the training stream; the step number decides them, so a resume continues exactly. */
    static final class Windows implements Objective {
        private final LlamaModel model;
        private final WindowSampler sampler;
        private final int batchSize;
        private long next;

        Windows(LlamaModel model, WindowSampler sampler, int batchSize) {
            this.model = model;
            this.sampler = sampler;
            this.batchSize = batchSize;
        }

        @Override
        public Loss next(NDManager scope) {
            Window[] rows = new Window[batchSize];
            for (int i = 0; i < batchSize; i++) {
                rows[i] = sampler.sample(next++);
            }
            return windowLoss(model, rows, scope);
        }

        @Override
        public Map<String, Object> state() {
            return Map.of("window", next);
        }

        @Override
        public void restore(Map<String, Object> state) {
            next = ((Number) state.get("window")).longValue();
        }
    }

    /** Fixed, evenly spaced validation windows. */
    private static HeldOut heldOut(LlamaModel model, TokenStream validation, int seqLen, int batchSize) {
        WindowSampler sampler = new WindowSampler(validation, seqLen, 0);
        int batches = (int) Math.max(1, Math.min(8, sampler.windows() / batchSize));
        long stride = (validation.size() - seqLen - 1) / ((long) batches * batchSize); // tokens between windows
        return new HeldOut() {
            @Override
            public int batches() {
                return batches;
            }

            @Override
            public Loss compute(int index, NDManager scope) {
                Window[] rows = new Window[batchSize];
                for (int i = 0; i < batchSize; i++) {
                    rows[i] = sampler.at(((long) index * batchSize + i) * stride);
                }
                return windowLoss(model, rows, scope);
            }
        };
    }

    static Loss windowLoss(LlamaModel model, Window[] rows, NDManager scope) {
        int b = rows.length;
        int t = rows[0].input().length;
        long[] ids = new long[b * t];
        long[] targets = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                ids[i * t + j] = rows[i].input()[j];
                targets[i * t + j] = rows[i].target()[j];
            }
        }
        float[] weights = new float[b * t];
        Arrays.fill(weights, 1f);
        NDArray logits = model.forward(scope.create(ids, new Shape(b, t)), null, null, null); // (B, T, V)
        NDArray sum = CausalLmLoss.summed(logits, scope.create(targets, new Shape(b, t)),
                scope.create(weights, new Shape(b, t)));
        return new Loss(sum, (long) b * t, (long) b * t, Map.of());
    }
}
