package dev.jtune.recipes;

import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.TextDocument;
import dev.jtune.data.io.DocumentReader;
import dev.jtune.tokenizer.BpeModel;
import dev.jtune.tokenizer.BpeTrainer;
import dev.jtune.tokenizer.BpeTrainerConfig;
import dev.jtune.tokenizer.HfTokenizer;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code tokenizer --train FILES --vocab-size N --out DIR}: trains a byte-level BPE tokenizer. */
final class TokenizerCommand {

    private TokenizerCommand() {
    }

    static Options options() {
        Options o = new Options();
        o.addOption(Cli.opt("train", "FILES", "comma-separated text / JSONL files or directories (required)"));
        o.addOption(Cli.opt("vocab-size", "N", "vocabulary size, specials included (default 4096)"));
        o.addOption(Cli.opt("out", "DIR", "writes tokenizer.json and tokenizer_config.json there (required)"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("tokenizer", "Train a byte-level BPE tokenizer (LLaMA-3-style split, special tokens).",
                options(), args);
        if (cli == null) {
            return 0;
        }
        Path out = Path.of(cli.required("out"));
        List<Path> files = PretrainRecipe.inputs(cli.required("train"));
        List<String> texts = new ArrayList<>();
        DocumentReader reader = new DocumentReader(ErrorPolicy.SKIP, "\n\n");
        for (Path f : files) {
            reader.read(f, (TextDocument d) -> texts.add(d.text()));
        }
        long t0 = System.nanoTime();
        BpeModel model = new BpeTrainer(new BpeTrainerConfig(cli.integer("vocab-size", 4096))).trainOnTexts(texts);
        double seconds = (System.nanoTime() - t0) / 1e9;
        model.save(out);
        long bytes = 0;
        long tokens = 0;
        try (HfTokenizer tokenizer = HfTokenizer.load(out)) {
            for (String t : texts) {
                bytes += t.getBytes(StandardCharsets.UTF_8).length;
                tokens += tokenizer.encodeRaw(t).length;
            }
        }
        System.out.printf("trained %d tokens (%d merges) on %d documents, %.1f MB, in %.2f s; %.3f bytes per token;"
                        + " written to %s%n", model.vocabSize(), model.mergeCount(), texts.size(), bytes / 1e6,
                seconds, (double) bytes / Math.max(1, tokens), out);
        return 0;
    }
}
