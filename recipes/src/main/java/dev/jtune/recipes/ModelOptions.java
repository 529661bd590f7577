package dev.jtune.recipes;

import dev.jtune.engine.Engines;
import dev.jtune.generate.LanguageModel;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.file.Path;

/** The options every command that loads a model shares: --model, --tokenizer, --device. */
final class ModelOptions {

    private ModelOptions() {
    }

    static Options add(Options o) {
        o.addOption(Cli.opt("model", "PATH", "HF model directory or llama2.c .bin file (required)"));
        o.addOption(Cli.opt("tokenizer", "PATH", "tokenizer.json or its directory (default: the model directory)"));
        o.addOption(Cli.opt("adapter", "DIR", "a PEFT LoRA adapter to apply over the model"));
        o.addOption(Cli.opt("device", "NAME", "cpu (default), gpu or gpu:N; a GPU needs a CUDA libtorch"));
        return o;
    }

    /** --template, for commands that render chats: a built-in template that replaces the model's own. */
    static Options addTemplate(Options o) {
        o.addOption(Cli.opt("template", "NAME", "built-in chat template instead of the model's own: llama3, "
                + "chatml, alpaca (default: the model's, else alpaca)"));
        return o;
    }

    static LanguageModel load(Cli cli) throws IOException {
        LanguageModel lm = LanguageModel.load(cli.existingPath("model"), cli.optionalPath("tokenizer"),
                Engines.device(cli.string("device", "cpu")));
        Path adapter = cli.optionalPath("adapter");
        if (adapter != null) {
            try {
                lm.withAdapter(adapter);
            } catch (IOException | RuntimeException e) {
                lm.close();
                throw e;
            }
        }
        return lm;
    }
}
