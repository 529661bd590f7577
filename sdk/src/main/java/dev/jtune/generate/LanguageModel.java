package dev.jtune.generate;

import ai.djl.Device;
import dev.jtune.io.Checkpoint;
import dev.jtune.io.Checkpoints;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.LlamaModel;
import dev.jtune.tokenizer.HfTokenizer;
import dev.jtune.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model with its tokenizer, ready to generate: the one object an application or a JShell session needs.
 * <pre>{@code
 * try (LanguageModel lm = LanguageModel.load(Path.of("model-dir"))) {
 *     System.out.println(lm.generate("Once upon a time", SamplingParams.greedy(64)).text());
 * }
 * }</pre>
 */
public final class LanguageModel implements AutoCloseable {

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final Generator generator;
    private LoraModel lora;

    public LanguageModel(LlamaModel model, Tokenizer tokenizer) {
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model's vocabulary is " + model.config().vocabSize());
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.generator = new Generator(model, tokenizer);
    }

    /** Loads an HF model directory (its own tokenizer.json) on the CPU. */
    public static LanguageModel load(Path model) {
        return load(model, null, Device.cpu());
    }

    /**
     * Loads an HF directory or a llama2.c {@code .bin} file.
     *
     * @param tokenizer a tokenizer.json or a directory holding one; null to use the model directory's own
     */
    public static LanguageModel load(Path model, Path tokenizer, Device device) {
        Path tokenizerPath = tokenizer != null ? tokenizer : Files.isDirectory(model) ? model : null;
        if (tokenizerPath == null) {
            throw new IllegalArgumentException(model + " is not a model directory, so it has no tokenizer: "
                    + "give one with --tokenizer");
        }
        Tokenizer tok;
        try {
            tok = HfTokenizer.load(tokenizerPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + tokenizerPath + ": " + e.getMessage(), e);
        }
        try (Checkpoint checkpoint = Checkpoints.open(model)) {
            return new LanguageModel(LlamaModel.load(checkpoint.config(), checkpoint.tensors(), device), tok);
        } catch (RuntimeException e) {
            tok.close();
            throw e;
        }
    }

    /**
     * Applies a PEFT LoRA adapter from {@code dir} (adapter_config.json + adapter_model.safetensors) on top of the
     * base weights; a second call adds another adapter and makes it the active one.
     */
    public LanguageModel withAdapter(Path dir) throws IOException {
        if (lora == null) {
            lora = LoraModel.wrap(model);
        }
        PeftAdapters.load(lora, dir, dir.getFileName().toString());
        return this;
    }

    /** The adapters applied with {@link #withAdapter}, or null when there are none. */
    public LoraModel adapters() {
        return lora;
    }

    public Generation generate(String prompt, SamplingParams params) {
        return generator.generate(prompt, params);
    }

    public List<Generation> generate(List<String> prompts, SamplingParams params, TokenListener listener) {
        return generator.generate(prompts, params, listener);
    }

    public LlamaModel model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Generator generator() {
        return generator;
    }

    @Override
    public void close() {
        if (lora != null) {
            lora.close();
        }
        model.close();
        tokenizer.close();
    }
}
