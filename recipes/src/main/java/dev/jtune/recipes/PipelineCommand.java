package dev.jtune.recipes;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.jtune.align.RewardModel;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.world.Grade;
import dev.jtune.data.world.Judge;
import dev.jtune.data.world.Preset;
import dev.jtune.data.world.Question;
import dev.jtune.data.world.World;
import dev.jtune.generate.Generation;
import dev.jtune.generate.Generator;
import dev.jtune.generate.LanguageModel;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.generate.SamplingParams;
import dev.jtune.tokenizer.ChatTemplate;
import dev.jtune.tokenizer.Message;
import dev.jtune.train.MetricsLog;
import dev.jtune.train.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pipeline}: the whole "State of GPT" pipeline on the bundled world, each stage measured on held-out
 * questions: tokenizer → pretraining → LoRA SFT → (reward model → PPO, and DPO as the alternative). Writes
 * {@code RUN_DIR/report.json}, {@code RUN_DIR/report.md} and each stage's run directory with its plots.
 */
final class PipelineCommand {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineCommand.class);

    /** How big each stage is for a preset. */
    record Plan(Preset world, String size, int vocab, int seqLen, int pretrainSteps, int pretrainBatch,
                int sftSteps, int samplesPerPrompt, int rewardSteps, int ppoSteps, int dpoSteps, int maxNewTokens) {
    }

    static Plan plan(String preset) {
        return switch (preset) {
            case "smoke" -> new Plan(Preset.SMOKE, "micro", 1024, 128, 200, 16, 200, 4, 60, 20, 80, 20);
            case "full" -> new Plan(Preset.FULL, "mini", 2048, 128, 700, 16, 800, 4, 200, 30, 80, 24);
            default -> throw new UsageException("--preset must be smoke or full, got '" + preset + "'");
        };
    }

    static Options options() {
        Options o = new Options();
        o.addOption(Cli.opt("out", "RUN_DIR", "where every stage writes (default runs/pipeline)"));
        o.addOption(Cli.opt("preset", "NAME", "full (default; about 9 minutes on 2 cores) or smoke (about 1 minute)"));
        o.addOption(Cli.opt("seed", "N", "seed of the world and of every stage (default 1)"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("pipeline", "Run the whole pipeline on the bundled data and report each stage.",
                options(), args);
        if (cli == null) {
            return 0;
        }
        Path out = Path.of(cli.string("out", "runs/pipeline"));
        Plan plan = plan(cli.string("preset", "full"));
        long seed = cli.longValue("seed", 1);
        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> seconds = new LinkedHashMap<>();
        Map<String, List<Map<String, String>>> samples = new LinkedHashMap<>();
        report.put("preset", cli.string("preset", "full"));
        report.put("seed", seed);

        // data: the bundled world, generated from the seed
        long t = System.nanoTime();
        World world = World.generate(seed, plan.world());
        Path data = out.resolve("data");
        world.write(data);
        seconds.put("data", since(t));

        // tokenizer: byte-level BPE on the corpus
        t = System.nanoTime();
        Path tokenizer = out.resolve("tokenizer");
        check(TokenizerCommand.run(new String[] {"--train", data.resolve(World.CORPUS_FILE).toString(),
            "--vocab-size", String.valueOf(plan.vocab()), "--out", tokenizer.toString()}), "tokenizer");
        seconds.put("tokenizer", since(t));

        // pretraining: the base model learns the world's facts from documents
        t = System.nanoTime();
        Path pretrain = out.resolve("pretrain");
        check(PretrainRecipe.run(new String[] {"--data", data.resolve(World.CORPUS_FILE).toString(),
            "--tokenizer", tokenizer.toString(), "--out", pretrain.toString(), "--size", plan.size(),
            "--seq-len", String.valueOf(plan.seqLen()), "--batch-size", String.valueOf(plan.pretrainBatch()),
            "--max-steps", String.valueOf(plan.pretrainSteps()), "--lr", "3e-3", "--warmup-steps", "30",
            "--seed", String.valueOf(seed)}), "pretrain");
        seconds.put("pretrain", since(t));
        Path base = pretrain.resolve("final");
        t = System.nanoTime();
        QuestionEval.Result baseEval = evaluate("base", base, null, world, plan);
        report.put("base", baseEval.toMap());
        samples.put("base", baseEval.samples());
        seconds.put("eval_base", since(t));

        // SFT: a LoRA adapter learns to answer in the assistant's form
        t = System.nanoTime();
        Path sft = out.resolve("sft");
        check(SftRecipe.run(new String[] {"--model", base.toString(),
            "--data", data.resolve(World.SFT_TRAIN_FILE).toString(),
            "--eval-data", data.resolve(World.SFT_EVAL_FILE).toString(), "--out", sft.toString(),
            "--max-steps", String.valueOf(plan.sftSteps()), "--batch-size", "16", "--seq-len", "64",
            "--lr", "2e-3", "--lora-r", "16", "--lora-alpha", "32", "--seed", String.valueOf(seed)}), "sft");
        seconds.put("sft", since(t));
        t = System.nanoTime();
        QuestionEval.Result sftEval = evaluate("sft", base, sft.resolve("final"), world, plan);
        report.put("sft", sftEval.toMap());
        samples.put("sft", sftEval.samples());
        seconds.put("eval_sft", since(t));

        // comparisons: the SFT model's answers ranked by the labeler, for the reward model and for DPO
        t = System.nanoTime();
        Path comparisons = sampleComparisons(world, base, sft.resolve("final"), plan.samplesPerPrompt(), seed, data);
        seconds.put("comparisons", since(t));

        // reward model: LoRA + score head, starting from the SFT adapter; the likelihood term lets it check facts
        // that no training pair rates against what its LM read in pretraining
        t = System.nanoTime();
        Path rm = out.resolve("reward");
        check(RewardRecipe.run(preferenceStage(base, sft.resolve("final"), comparisons, data, rm,
                plan.rewardSteps(), seed, "--lr", "1e-3", "--likelihood-weight", "2")), "reward");
        seconds.put("reward", since(t));
        t = System.nanoTime();
        report.put("rm", rewardAccuracy(base, rm.resolve("final"), world.preferenceEval(), world.judge()));
        seconds.put("eval_rm", since(t));

        // PPO: the SFT policy samples, the reward model scores, a KL penalty keeps it near the SFT model
        t = System.nanoTime();
        Path ppo = out.resolve("ppo");
        check(PpoRecipe.run(new String[] {"--model", base.toString(), "--adapter", sft.resolve("final").toString(),
            "--reward-adapter", rm.resolve("final").toString(), "--prompts", data.resolve(World.PROMPTS_FILE)
            .toString(), "--out", ppo.toString(), "--max-steps", String.valueOf(plan.ppoSteps()),
            "--batch-size", "32", "--ppo-epochs", "2", "--lr", "2e-4", "--kl-coef", "0.2", "--missing-eos-penalty", "3",
            "--response-length", String.valueOf(plan.maxNewTokens()), "--temperature", "1.0",
            "--seed", String.valueOf(seed)}), "ppo");
        seconds.put("ppo", since(t));
        t = System.nanoTime();
        QuestionEval.Result ppoEval = evaluate("ppo", base, ppo.resolve("final"), world, plan);
        Map<String, Object> ppoReport = ppoEval.toMap();
        ppoReport.put("kl", lastMean(ppo.resolve("metrics.jsonl"), "kl", 5));
        report.put("ppo", ppoReport);
        samples.put("ppo", ppoEval.samples());
        seconds.put("eval_ppo", since(t));

        // DPO: the same comparisons, no reward model; the reference is the SFT adapter
        t = System.nanoTime();
        Path dpo = out.resolve("dpo");
        check(DpoRecipe.run(preferenceStage(base, sft.resolve("final"), comparisons, data, dpo,
                plan.dpoSteps(), seed, "--lr", "1e-4", "--beta", "0.1")), "dpo");
        seconds.put("dpo", since(t));
        t = System.nanoTime();
        QuestionEval.Result dpoEval = evaluate("dpo", base, dpo.resolve("final"), world, plan);
        report.put("dpo", dpoEval.toMap());
        samples.put("dpo", dpoEval.samples());
        seconds.put("eval_dpo", since(t));

        report.put("seconds", seconds);
        PipelineReport.write(out, report, samples);
        PipelineReport.print(report);
        return 0;
    }

    /**
     * Comparisons for the reward model and DPO, as in the State-of-GPT recipe: the SFT model answers each
     * preference prompt {@code k} times, the world's labeler ranks the answers, and every two answers of different
     * grades make a pair. The world's synthetic candidates (one answer of each grade) are added so every kind of
     * mistake is represented even where the SFT model never makes it.
     */
    private static Path sampleComparisons(World world, Path model, Path sftAdapter, int k, long seed, Path out)
            throws IOException {
        List<PreferencePair> pairs = new ArrayList<>(world.preferenceTrain());
        int sampled = 0;
        try (LanguageModel lm = LanguageModel.load(model).withAdapter(sftAdapter)) {
            ChatTemplate template = ChatTemplate.fromDirectory(model);
            Generator generator = new Generator(lm.model(), lm.tokenizer());
            List<Question> prompts = world.preferencePrompts();
            Progress progress = new Progress("sample", prompts.size(), 0);
            int batch = 16;
            for (int from = 0; from < prompts.size(); from += batch) {
                List<Question> chunk = prompts.subList(from, Math.min(prompts.size(), from + batch));
                List<int[]> ids = new ArrayList<>();
                for (Question q : chunk) {
                    int[] p = template.promptIds(lm.tokenizer(), List.of(new Message("user", q.prompt())));
                    for (int i = 0; i < k; i++) {
                        ids.add(p);
                    }
                }
                List<Generation> replies = generator.generateIds(ids,
                        SamplingParams.sample(24, 1.0, seed + from), null);
                for (int q = 0; q < chunk.size(); q++) {
                    List<String> candidates = new ArrayList<>();
                    for (int i = 0; i < k; i++) {
                        candidates.add(replies.get(q * k + i).text().strip());
                    }
                    // an empty reply is ranked last by the labeler but is no text to train on
                    List<PreferencePair> found = world.labeler().pairs(chunk.get(q).prompt(), candidates).stream()
                            .filter(p -> !p.chosen().isBlank() && !p.rejected().isBlank()).toList();
                    sampled += found.size();
                    pairs.addAll(found);
                }
                progress.update(Math.min(prompts.size(), from + batch), "", false);
            }
            progress.finish();
        }
        LOG.info("{} comparisons: {} from ranked SFT samples, {} synthetic", pairs.size(), sampled,
                world.preferenceTrain().size());
        Path file = out.resolve("comparisons.jsonl");
        StringBuilder jsonl = new StringBuilder();
        Gson gson = new Gson();
        for (PreferencePair p : pairs) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("prompt", p.prompt().get(0).content());
            row.put("chosen", p.chosen());
            row.put("rejected", p.rejected());
            row.put("margin", p.margin());
            jsonl.append(gson.toJson(row)).append('\n');
        }
        RunDirectory.writeAtomically(file, jsonl.toString());
        return file;
    }

    /**
     * The reward model on the held-out pairs: the share whose chosen answer it scores above the rejected one
     * ({@code heldout_accuracy}), how many pairs there are, and the share for each kind of pair, named by the two
     * answers' grades ({@code "correct>wrong"}) in grade order.
     */
    private static Map<String, Object> rewardAccuracy(Path model, Path adapter, List<PreferencePair> pairs,
                                                      Judge judge) throws IOException {
        try (RewardModel rm = RewardModel.load(model, adapter)) {
            List<String> prompts = pairs.stream().map(p -> p.prompt().get(0).content()).toList();
            float[] chosen = rm.score(prompts, pairs.stream().map(PreferencePair::chosen).toList());
            float[] rejected = rm.score(prompts, pairs.stream().map(PreferencePair::rejected).toList());
            Map<String, int[]> tally = new LinkedHashMap<>(); // kind -> {ranked right, pairs}, in grade order
            for (Grade c : Grade.values()) {
                for (Grade r : Grade.values()) {
                    if (c.compareTo(r) < 0) {
                        tally.put(pairName(c, r), new int[2]);
                    }
                }
            }
            int right = 0;
            for (int i = 0; i < chosen.length; i++) {
                String kind = pairName(judge.grade(prompts.get(i), pairs.get(i).chosen()),
                        judge.grade(prompts.get(i), pairs.get(i).rejected()));
                int[] t = tally.computeIfAbsent(kind, k -> new int[2]);
                int won = chosen[i] > rejected[i] ? 1 : 0;
                t[0] += won;
                t[1]++;
                right += won;
            }
            Map<String, Double> byPair = new LinkedHashMap<>();
            tally.forEach((kind, t) -> {
                if (t[1] > 0) {
                    byPair.put(kind, t[0] / (double) t[1]);
                }
            });
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("heldout_accuracy", (double) right / chosen.length);
            result.put("heldout_pairs", chosen.length);
            result.put("heldout_accuracy_by_pair", byPair);
            return result;
        }
    }

    /** How report.json names a kind of pair: {@code "correct>wrong"}. */
    private static String pairName(Grade chosen, Grade rejected) {
        return chosen.name().toLowerCase(Locale.ROOT) + ">" + rejected.name().toLowerCase(Locale.ROOT);
    }

    /** The mean of a metric over the last {@code n} logged steps of a run. */
    private static double lastMean(Path metrics, String name, int n) throws IOException {
        List<JsonObject> rows = MetricsLog.read(metrics).stream().filter(r -> r.has(name)).toList();
        return rows.subList(Math.max(0, rows.size() - n), rows.size()).stream()
                .mapToDouble(r -> r.get(name).getAsDouble()).average().orElse(Double.NaN);
    }

    /** The held-out figures of the base model, with an adapter when given. */
    private static QuestionEval.Result evaluate(String stage, Path model, Path adapter, World world, Plan plan)
            throws IOException {
        try (LanguageModel lm = LanguageModel.load(model);
             LoraModel lora = LoraModel.wrap(lm.model())) {
            if (adapter != null) {
                PeftAdapters.load(lora, adapter, "default");
            }
            Judge judge = world.judge();
            return QuestionEval.run(stage, new Generator(lm.model(), lm.tokenizer()), lm.tokenizer(),
                    ChatTemplate.fromDirectory(model), judge, world.heldOutQuestions(), plan.maxNewTokens());
        }
    }

    /**
     * Arguments of a stage trained on the comparisons (reward model, DPO): it starts from the SFT adapter, runs
     * {@code steps} steps of 16 pairs of at most 64 tokens, and evaluates the held-out pairs four times; then
     * {@code more}.
     */
    private static String[] preferenceStage(Path base, Path sftAdapter, Path comparisons, Path data, Path out,
                                            int steps, long seed, String... more) {
        List<String> args = new ArrayList<>(List.of("--model", base.toString(), "--adapter", sftAdapter.toString(),
                "--data", comparisons.toString(), "--eval-data", data.resolve(World.PREFERENCES_EVAL_FILE).toString(),
                "--out", out.toString(), "--max-steps", String.valueOf(steps), "--batch-size", "16",
                "--seq-len", "64", "--eval-every", String.valueOf(Math.max(1, steps / 4)),
                "--seed", String.valueOf(seed)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static void check(int code, String stage) {
        if (code != 0) {
            throw new IllegalStateException("stage " + stage + " failed with exit code " + code);
        }
    }

    private static double since(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
    }
}
