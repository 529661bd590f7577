package dev.jtune.recipes;

import dev.jtune.io.Checkpoint;
import dev.jtune.io.Checkpoints;
import dev.jtune.io.DType;
import dev.jtune.io.HfCheckpointWriter;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.LlamaModel;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code merge}: folds a LoRA adapter into its base model and writes a standalone HF checkpoint directory. */
final class MergeCommand {

    private MergeCommand() {
    }

    static Options options() {
        Options o = ModelOptions.add(new Options());
        o.addOption(Cli.opt("adapter", "DIR", "PEFT adapter directory (required)"));
        o.addOption(Cli.opt("out", "DIR", "where the merged model directory goes (required)"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("merge", "Merge a LoRA adapter into its base model.", options(), args);
        if (cli == null) {
            return 0;
        }
        Path modelPath = cli.existingPath("model");
        Path adapter = cli.existingPath("adapter");
        Path out = Path.of(cli.required("out"));
        Path tokenizerDir = cli.has("tokenizer") ? cli.optionalPath("tokenizer")
                : Files.isDirectory(modelPath) ? modelPath : null;
        if (tokenizerDir != null && !Files.isDirectory(tokenizerDir)) {
            tokenizerDir = tokenizerDir.toAbsolutePath().getParent();
        }
        try (Checkpoint checkpoint = Checkpoints.open(modelPath);
             LlamaModel model = LlamaModel.load(checkpoint.config(), checkpoint.tensors(),
                     dev.jtune.engine.Engines.device(cli.string("device", "cpu")));
             LoraModel lora = LoraModel.wrap(model)) {
            PeftAdapters.load(lora, adapter, "default");
            lora.merge();
            HfCheckpointWriter.write(out, model.config(), model.weights(), tokenizerDir, DType.F32);
            System.out.println("merged " + adapter + " into " + modelPath + ": " + out);
        }
        return 0;
    }
}
