package dev.jtune.recipes;

import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the pipeline leaves for a reader: report.json (every figure), report.md (the stage table, the reward model's
 * held-out accuracy by kind of pair, the seconds per stage and sample answers), and the table printed at the end.
 */
final class PipelineReport {

    /**
     * Kinds of pair whose order a rater can only tell by knowing the fact asked about, or by checking that the wrong
     * answer is about another subject.
     */
    private static final List<String> NEED_THE_FACT = List.of("correct>wrong", "rambling>wrong");

    private PipelineReport() {
    }

    /** Writes report.json and report.md into {@code out}, each to a temporary name first. */
    static void write(Path out, Map<String, Object> report, Map<String, List<Map<String, String>>> samples)
            throws IOException {
        RunDirectory.writeAtomically(out.resolve("report.json"),
                new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(report));
        StringBuilder md = new StringBuilder("# jtune pipeline report\n\n");
        md.append("Preset `").append(report.get("preset")).append("`, seed ").append(report.get("seed"))
                .append(". Every figure is measured on held-out questions the SFT data never asks.\n\n");
        md.append(stageTable(report)).append("\n");
        md.append(String.format(Locale.ROOT, "PPO KL to the SFT policy (mean of the last steps): %.2f.%n%n",
                (Double) section(report, "ppo").get("kl")));
        md.append(rewardSection(section(report, "rm")));
        md.append("## Seconds per stage\n\n| stage | seconds |\n|---|---|\n");
        section(report, "seconds").forEach((stage, s) -> md.append("| ").append(stage).append(" | ")
                .append(String.format(Locale.ROOT, "%.1f", (Double) s)).append(" |\n"));
        md.append("\nPlots: `pretrain/loss.png`, `sft/loss.png`, `reward/loss.png`, `ppo/reward.png`, `ppo/kl.png`, "
                + "`dpo/loss.png`.\n\n");
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

    /** Prints the stage table, the reward model's accuracy and the seconds per stage. */
    static void print(Map<String, Object> report) {
        System.out.println();
        System.out.print(stageTable(report));
        System.out.printf(Locale.ROOT, "reward model held-out accuracy: %.3f%n",
                (Double) section(report, "rm").get("heldout_accuracy"));
        System.out.println("seconds per stage: " + report.get("seconds"));
    }

    private static String stageTable(Map<String, Object> report) {
        StringBuilder t = new StringBuilder("| stage | answer rate | answers the subject asked | accuracy "
                + "| mean reward |\n");
        t.append("|---|---|---|---|---|\n");
        for (String stage : List.of("base", "sft", "ppo", "dpo")) {
            if (report.containsKey(stage)) {
                Map<String, Object> s = section(report, stage);
                t.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f |%n", stage,
                        s.get("answer_rate"), s.get("answer_form_rate"), s.get("accuracy"), s.get("mean_reward")));
            }
        }
        return t.toString();
    }

    /** The reward model's held-out accuracy, overall and by kind of pair, marking the kinds that need the fact. */
    @SuppressWarnings("unchecked")
    private static String rewardSection(Map<String, Object> rm) {
        StringBuilder md = new StringBuilder("## Reward model\n\n");
        md.append(String.format(Locale.ROOT, "Held-out pairwise accuracy %.3f over %s pairs about facts no "
                + "training pair asks about. By kind of pair (chosen > rejected; * the wrong answer states a false "
                + "value or another subject's fact, so ranking it needs the fact or the subject asked):%n%n",
                (Double) rm.get("heldout_accuracy"), rm.get("heldout_pairs")));
        md.append("| pair | accuracy |\n|---|---|\n");
        ((Map<String, Double>) rm.get("heldout_accuracy_by_pair")).forEach((pair, acc) -> md.append("| ")
                .append(pair.replace(">", " > ")).append(NEED_THE_FACT.contains(pair) ? " *" : "")
                .append(String.format(Locale.ROOT, " | %.3f |%n", acc)));
        return md.append("\n").toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> report, String name) {
        return (Map<String, Object>) report.get(name);
    }
}
