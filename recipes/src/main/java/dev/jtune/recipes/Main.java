package dev.jtune.recipes;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code java -jar jtune.jar COMMAND [options]}: one command per stage, each with {@code --help}. */
public final class Main {

    /** A command line verb: runs with its own arguments and returns the process exit code. */
    @FunctionalInterface
    interface Command {
        int run(String[] args) throws Exception;
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();
    private static final Map<String, String> SUMMARIES = new LinkedHashMap<>();

    static {
        add("generate", GenerateCommand::run, "generate text from a prompt (--json for token ids)");
        add("chat", ChatCommand::run, "talk with a model through its chat template");
        add("tokenizer", TokenizerCommand::run, "train a byte-level BPE tokenizer on text");
        add("pretrain", PretrainRecipe::run, "pretrain a model from raw text (trains a tokenizer if needed)");
        add("sft", SftRecipe::run, "supervised fine-tuning of a LoRA adapter");
        add("ppo", PpoRecipe::run, "PPO of a LoRA policy against a reward model or function");
        add("grpo", GrpoRecipe::run, "GRPO of a LoRA policy against a reward model or function");
        add("merge", MergeCommand::run, "fold a LoRA adapter into its base: a standalone HF checkpoint");
        add("pipeline", PipelineCommand::run, "the whole pipeline on the bundled data, with a report");
        add("bench", BenchCommand::run, "time a training step (tiny|small, fwd|full|lora) against the PyTorch peer");
        add("reward", RewardRecipe::run, "train a reward model (LoRA adapter + score head) on preference pairs");
        add("dpo", DpoRecipe::run, "direct preference optimisation of a LoRA adapter");
        add("eval", EvalCommand::run, "perplexity, or reward / preference accuracy for preference data");
    }

    private Main() {
    }

    private static void add(String name, Command command, String summary) {
        COMMANDS.put(name, command);
        SUMMARIES.put(name, summary);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code; errors are reported on stderr, never thrown. */
    public static int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage();
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            System.err.println("unknown command '" + args[0] + "'");
            usage();
            return 2;
        }
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        try {
            return command.run(rest);
        } catch (UsageException e) {
            System.err.println(args[0] + ": " + e.getMessage() + " (see " + args[0] + " --help)");
            return 2;
        } catch (Exception e) {
            System.err.println(args[0] + ": error: " + e.getMessage());
            if (System.getenv("JTUNE_DEBUG") != null) {
                e.printStackTrace();
            }
            return 1;
        }
    }

    private static void usage() {
        System.err.println("usage: java -jar jtune.jar COMMAND [options]   (COMMAND --help for its options)");
        System.err.println();
        SUMMARIES.forEach((name, summary) -> System.err.printf("  %-10s %s%n", name, summary));
    }
}
