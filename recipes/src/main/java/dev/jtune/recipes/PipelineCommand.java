package dev.jtune.recipes;

import com.google.gson.GsonBuilder;
import dev.jtune.data.world.Judge;
import dev.jtune.data.world.Preset;
import dev.jtune.data.world.World;
import dev.jtune.generate.Generator;
import dev.jtune.generate.LanguageModel;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.tokenizer.ChatTemplate;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.file.Path;
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

    /** How big each stage is for a preset. */
    record Plan(Preset world, String size, int vocab, int seqLen, int pretrainSteps, int pretrainBatch,
                int sftSteps, int maxNewTokens) {
    }

    static Plan plan(String preset) {
        return switch (preset) {
            case "smoke" -> new Plan(Preset.SMOKE, "micro", 1024, 128, 150, 8, 60, 20);
            case "full" -> new Plan(Preset.FULL, "mini", 2048, 128, 1200, 16, 300, 24);
            default -> throw new UsageException("--preset must be smoke or full, got '" + preset + "'");
        };
    }

    static Options options() {
        Options o = new Options();
        o.addOption(Cli.opt("out", "RUN_DIR", "where every stage writes (default runs/pipeline)"));
        o.addOption(Cli.opt("preset", "NAME", "full (default; about 15 minutes on 2 cores) or smoke (minutes)"));
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

        report.put("seconds", seconds);
        writeReport(out, report, samples);
        printTable(report);
        return 0;
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

    private static void check(int code, String stage) {
        if (code != 0) {
            throw new IllegalStateException("stage " + stage + " failed with exit code " + code);
        }
    }

    private static double since(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
    }

    private static void writeReport(Path out, Map<String, Object> report,
                                    Map<String, List<Map<String, String>>> samples) throws IOException {
        RunDirectory.writeAtomically(out.resolve("report.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(report));
        StringBuilder md = new StringBuilder("# jtune pipeline report\n\n");
        md.append("Preset `").append(report.get("preset")).append("`, seed ").append(report.get("seed"))
                .append(". Every figure is measured on held-out questions the SFT data never asks.\n\n");
        md.append(table(report)).append("\n");
        md.append("Plots: `pretrain/loss.png`, `sft/loss.png`.\n\n");
        for (Map.Entry<String, List<Map<String, String>>> e : samples.entrySet()) {
            md.append("## Sample answers: ").append(e.getKey()).append("\n\n");
            for (Map<String, String> s : e.getValue()) {
                md.append("- **").append(s.get("question")).append("** → ")
                        .append(s.get("reply").isEmpty() ? "(nothing)" : s.get("reply").replace("\n", " ⏎ "))
                        .append(" _(truth: ").append(s.get("truth")).append(")_\n");
            }
            md.append("\n");
        }
        RunDirectory.writeAtomically(out.resolve("report.md"), md.toString());
    }

    @SuppressWarnings("unchecked")
    private static String table(Map<String, Object> report) {
        StringBuilder t = new StringBuilder("| stage | answer rate | answer form | accuracy | mean reward |\n");
        t.append("|---|---|---|---|---|\n");
        for (String stage : List.of("base", "sft", "ppo", "dpo")) {
            Object o = report.get(stage);
            if (o instanceof Map<?, ?> m) {
                Map<String, Object> s = (Map<String, Object>) m;
                t.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f |%n", stage,
                        s.get("answer_rate"), s.get("answer_form_rate"), s.get("accuracy"), s.get("mean_reward")));
            }
        }
        return t.toString();
    }

    private static void printTable(Map<String, Object> report) {
        System.out.println();
        System.out.print(table(report));
        System.out.println("seconds per stage: " + report.get("seconds"));
    }
}
