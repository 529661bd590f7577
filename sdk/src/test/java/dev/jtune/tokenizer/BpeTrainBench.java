package dev.jtune.tokenizer;

import dev.jtune.testing.Fixtures;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Trains a 4096-token byte-level BPE on the shared TinyStories + Tiny Shakespeare files (about 1.7 MB) and prints
 * the training time and the compression it reaches on that corpus. Run in {@code sdk/} after
 * {@code mvn -o test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) dev.jtune.tokenizer.BpeTrainBench}.
 */
public final class BpeTrainBench {

    private BpeTrainBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> files = List.of(Fixtures.path("data/tinystories/tinystories_valid_head_part1.txt"),
                Fixtures.path("data/tinyshakespeare/input_first90.txt"));
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        long start = System.nanoTime();
        BpeModel model = new BpeTrainer(new BpeTrainerConfig(4096)).train(files);
        double trainSeconds = (System.nanoTime() - start) / 1e9;

        Path out = Files.createTempDirectory("bpe-bench");
        model.save(out);
        long tokens = 0;
        try (HfTokenizer tokenizer = HfTokenizer.load(out)) {
            for (Path f : files) {
                tokens += tokenizer.encodeRaw(Files.readString(f, StandardCharsets.UTF_8)).length;
            }
        }
        System.out.printf("corpus %.2f MB (%d files), vocab %d (%d merges), training %.2f s, "
                        + "%d tokens, %.3f UTF-8 bytes per token, tokenizer in %s%n",
                bytes / 1e6, files.size(), model.vocabSize(), model.mergeCount(), trainSeconds, tokens,
                (double) bytes / tokens, out);
    }
}
