package dev.jtune.recipes;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.jtune.generate.Generation;
import dev.jtune.generate.GenerationDefaults;
import dev.jtune.generate.LanguageModel;
import dev.jtune.generate.SamplingParams;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code generate}: continues a prompt, streaming text, or printing one JSON object with {@code --json}. */
final class GenerateCommand {

    private GenerateCommand() {
    }

    static Options options() {
        Options o = samplingOptions(ModelOptions.add(new Options()));
        o.addOption(Cli.opt("prompt", "TEXT", "text to continue (required; may be empty)"));
        o.addOption(Cli.opt("json", null, "print {\"prompt_token_ids\", \"generated_token_ids\", \"text\"}"));
        return o;
    }

    /** The sampling flags {@code generate} and {@code chat} share. */
    static Options samplingOptions(Options o) {
        o.addOption(Cli.opt("max-new-tokens", "N", "tokens to generate at most (default: the model's "
                + "generation_config.json, else 256)"));
        o.addOption(Cli.opt("temperature", "T", "0 is greedy (default: generation_config.json, else 0.8)"));
        o.addOption(Cli.opt("top-k", "K", "sample among the K most likely tokens; 0 = all"));
        o.addOption(Cli.opt("top-p", "P", "nucleus sampling mass, in (0, 1]"));
        o.addOption(Cli.opt("repetition-penalty", "X", "above 1 discourages repeats (default 1)"));
        o.addOption(Cli.opt("seed", "S", "random seed for sampling (default 0)"));
        o.addOption(Cli.opt("stop", "TEXT", "stop when the output contains TEXT (repeatable)"));
        o.addOption(Cli.opt("no-cache", null, "recompute every position at each step (no KV cache)"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("generate", "Continue a prompt with a LLaMA-style model.", options(), args);
        if (cli == null) {
            return 0;
        }
        String prompt = cli.required("prompt");
        Path modelPath = cli.existingPath("model");
        SamplingParams params = samplingParams(cli, GenerationDefaults.of(modelPath));
        boolean json = cli.has("json");
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (LanguageModel lm = ModelOptions.load(cli)) {
            Generation g;
            if (json) {
                g = lm.generate(prompt, params);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("prompt_token_ids", g.promptIds());
                result.put("generated_token_ids", g.generatedIds());
                result.put("text", g.text());
                result.put("finish_reason", g.finishReason().name().toLowerCase());
                Gson gson = new GsonBuilder().disableHtmlEscaping().create();
                out.println(gson.toJson(result));
            } else {
                out.print(prompt);
                g = lm.generate(List.of(prompt), params, (seq, token, delta) -> out.print(delta)).get(0);
                out.println();
            }
        }
        return 0;
    }

    static SamplingParams samplingParams(Cli cli, SamplingParams defaults) {
        List<String> stops = cli.has("stop") ? Arrays.asList(cli.values("stop")) : List.of();
        return new SamplingParams(
                cli.integer("max-new-tokens", defaults.maxNewTokens()),
                cli.number("temperature", defaults.temperature()),
                cli.integer("top-k", defaults.topK()),
                cli.number("top-p", defaults.topP()),
                cli.number("repetition-penalty", defaults.repetitionPenalty()),
                cli.longValue("seed", defaults.seed()),
                stops,
                !cli.has("no-cache"));
    }
}
