package dev.jtune.recipes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.align.CausalLmBatch;
import dev.jtune.align.DpoLoss;
import dev.jtune.align.PairwiseRewardLoss;
import dev.jtune.align.PreferenceBatch;
import dev.jtune.align.PreferenceLoss;
import dev.jtune.align.RewardHead;
import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.SftRecord;
import dev.jtune.data.io.FileKind;
import dev.jtune.data.preference.PreferenceExample;
import dev.jtune.data.preference.PreferenceExampleBuilder;
import dev.jtune.data.preference.PreferenceFormat;
import dev.jtune.data.preference.PreferenceReader;
import dev.jtune.data.sft.SftExample;
import dev.jtune.data.sft.SftExampleBuilder;
import dev.jtune.data.sft.SftFormat;
import dev.jtune.data.sft.SftOptions;
import dev.jtune.data.sft.SftReader;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.LlamaModel;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code eval --model PATH [--adapter DIR] --data FILE}: prints how many examples it read, then one metric per line.
 * <ul>
 *   <li>preference data with a reward adapter (one with a {@code score} head): pairwise {@code accuracy}
 *       (r_c &gt; r_r), {@code margin}, {@code loss} (-log σ(r_c - r_r)), {@code reward_mean}, {@code reward_std};</li>
 *   <li>preference data with a language model (base, or a plain adapter such as DPO's):
 *       {@code preference_accuracy} (log π(c) &gt; log π(r)) and {@code logp_margin}; with an adapter also DPO's
 *       {@code implicit_accuracy} against the base as reference;</li>
 *   <li>SFT or text data: {@code loss} per target token and {@code perplexity}.</li>
 * </ul>
 * Rows longer than --seq-len are truncated; pairs whose replies are cut away entirely are not evaluated.
 */
final class EvalCommand {

    private EvalCommand() {
    }

    static Options options() {
        Options o = ModelOptions.add(new Options());
        o.addOption(Cli.opt("adapter", "DIR", "PEFT adapter to apply: a reward adapter (with score head) or an LM one"));
        o.addOption(Cli.opt("data", "FILE", "preference pairs, SFT records or text (required)"));
        ModelOptions.addTemplate(o);
        o.addOption(Cli.opt("seq-len", "N", "longest row in tokens (default 512)"));
        o.addOption(Cli.opt("batch-size", "N", "rows or pairs per forward pass (default 8)"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("eval", "Evaluate a model (and adapter) on preference, SFT or text data.", options(),
                args);
        if (cli == null) {
            return 0;
        }
        Settings s = Settings.of(cli);
        Path data = s.path("data", true);
        Path adapter = s.path("adapter", false);
        int seqLen = s.integer("seq-len", 512);
        int batchSize = s.integer("batch-size", 8);
        List<PreferencePair> pairs = readPairs(data);
        try (Recipes.Base base = Recipes.loadBase(s);
             LoraModel lora = LoraModel.wrap(base.model())) {
            RewardHead head = null;
            if (adapter != null) {
                PeftAdapters.load(lora, adapter, "default");
                if (RewardHead.isRewardAdapter(adapter)) {
                    head = RewardHead.load(adapter, base.model().config().hiddenSize(), base.model().manager(), false);
                }
            }
            Map<String, Double> metrics;
            int read;
            if (pairs != null) {
                read = pairs.size();
                List<PreferenceExample> examples = new PreferenceExampleBuilder(base.tokenizer(),
                        SftRecipe.renderer(s, base.tokenizerDir()), seqLen, PreferenceExampleBuilder.TooLong.TRUNCATE)
                        .buildAll(pairs).examples();
                metrics = head != null
                        ? rewardMetrics(examples, base, head, batchSize)
                        : preferenceMetrics(examples, base, adapter != null ? lora : null, batchSize);
                metrics.put("pairs_evaluated", (double) examples.size());
            } else {
                List<SftRecord> records = new SftReader(SftFormat.AUTO, ErrorPolicy.FAIL, "\n\n").readAll(data)
                        .records();
                read = records.size();
                List<SftExample> examples = new SftExampleBuilder(base.tokenizer(),
                        SftRecipe.renderer(s, base.tokenizerDir()), new SftOptions(seqLen, false)).buildAll(records)
                        .examples();
                metrics = lmMetrics(examples, base, batchSize);
            }
            System.out.println("examples: " + read);
            metrics.forEach((name, value) -> System.out.println(name + ": " + format(value)));
        }
        return 0;
    }

    /** The file's preference pairs, or null when it holds SFT records or text. */
    private static List<PreferencePair> readPairs(Path data) throws IOException {
        if (FileKind.of(data) == FileKind.TEXT) {
            return null;
        }
        try {
            return new PreferenceReader(PreferenceFormat.AUTO, ErrorPolicy.FAIL).readAll(data).records();
        } catch (RuntimeException | IOException notPairs) {
            try {
                new SftReader(SftFormat.AUTO, ErrorPolicy.FAIL, "\n\n").readAll(data);
                return null;
            } catch (RuntimeException | IOException notSft) {
                throw new IOException(data + " holds neither preference pairs (" + notPairs.getMessage()
                        + ") nor SFT records (" + notSft.getMessage() + ")");
            }
        }
    }

    private static Map<String, Double> rewardMetrics(List<PreferenceExample> examples, Recipes.Base base,
                                                     RewardHead head, int batchSize) {
        if (examples.isEmpty()) {
            throw new UsageException("no preference pair could be evaluated (all cut away by --seq-len?)");
        }
        float[] chosen = new float[examples.size()];
        float[] rejected = new float[examples.size()];
        for (int from = 0; from < examples.size(); from += batchSize) {
            PreferenceBatch b = PreferenceExample.batch(examples.subList(from, Math.min(from + batchSize,
                    examples.size())), base.padId());
            try (NDManager scope = base.model().manager().newSubManager()) {
                NDArray r = b.rewards(base.model(), head, scope);                        // (2P)
                System.arraycopy(b.chosen(r).toFloatArray(), 0, chosen, from, b.pairs());
                System.arraycopy(b.rejected(r).toFloatArray(), 0, rejected, from, b.pairs());
            }
        }
        try (NDManager scope = base.model().manager().newSubManager()) {
            PreferenceLoss l = new PairwiseRewardLoss(0).compute(scope.create(chosen), scope.create(rejected), null);
            Map<String, Double> m = new LinkedHashMap<>(l.metrics());
            m.put("loss", (double) l.sum().getFloat() / l.pairs());
            return m;
        }
    }

    private static Map<String, Double> preferenceMetrics(List<PreferenceExample> examples, Recipes.Base base,
                                                         LoraModel adapter, int batchSize) {
        Map<String, Double> sums = new LinkedHashMap<>();
        LlamaModel model = base.model();
        DpoLoss dpo = DpoLoss.defaults();
        for (int from = 0; from < examples.size(); from += batchSize) {
            PreferenceBatch b = PreferenceExample.batch(examples.subList(from, Math.min(from + batchSize,
                    examples.size())), base.padId());
            try (NDManager scope = model.manager().newSubManager()) {
                float[] policy = b.logProbs(model, scope).toFloatArray();               // (2P)
                int p = b.pairs();
                for (int i = 0; i < p; i++) {
                    add(sums, "preference_accuracy", policy[i] > policy[p + i] ? 1 : 0);
                    add(sums, "logp_margin", policy[i] - policy[p + i]);
                }
                if (adapter != null) {
                    adapter.setEnabled(false);
                    NDArray ref;
                    try {
                        ref = b.logProbs(model, scope);                                  // (2P)
                    } finally {
                        adapter.setEnabled(true);
                    }
                    NDArray pol = scope.create(policy);
                    int[] tokens = b.completionTokens();
                    PreferenceLoss l = dpo.compute(b.chosen(pol), b.rejected(pol), b.chosen(ref), b.rejected(ref),
                            java.util.Arrays.copyOfRange(tokens, 0, p), java.util.Arrays.copyOfRange(tokens, p, 2 * p));
                    add(sums, "implicit_accuracy", l.metrics().get("accuracy") * p);
                }
            }
        }
        return averaged(sums, examples.size());
    }

    private static Map<String, Double> lmMetrics(List<SftExample> examples, Recipes.Base base, int batchSize) {
        double sum = 0;
        long targets = 0;
        for (CausalLmBatch b : Recipes.fixedBatches(SftRecipe.batches(examples, false, 0, base.padId()), batchSize)) {
            try (NDManager scope = base.model().manager().newSubManager()) {
                CausalLmBatch.Result r = b.loss(base.model(), scope);
                sum += r.sum().getFloat();
                targets += r.targets();
            }
        }
        if (targets == 0) {
            throw new UsageException("the data has no tokens to evaluate");
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("tokens", (double) targets);
        m.put("loss", sum / targets);
        m.put("perplexity", Math.exp(sum / targets));
        return m;
    }

    private static void add(Map<String, Double> sums, String name, double value) {
        sums.merge(name, value, Double::sum);
    }

    private static Map<String, Double> averaged(Map<String, Double> sums, int pairs) {
        if (pairs == 0) {
            throw new UsageException("no preference pair could be evaluated (all cut away by --seq-len?)");
        }
        Map<String, Double> m = new LinkedHashMap<>();
        sums.forEach((k, v) -> m.put(k, v / pairs));
        return m;
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.6f", v);
    }
}
