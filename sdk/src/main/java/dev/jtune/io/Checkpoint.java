package dev.jtune.io;

import dev.jtune.model.LlamaConfig;

import java.nio.file.Path;

/**
 * An opened, validated LLaMA checkpoint: its config and its tensors under Hugging Face names, every tensor the
 * config needs present with the right shape (checked on construction). Closing it closes the tensor source.
 *
 * @param source the directory or file it was opened from
 */
public record Checkpoint(Path source, LlamaConfig config, TensorSource tensors) implements AutoCloseable {

    /** Validates {@code tensors} against {@code config} (see {@link LlamaLayout#validate}); closes nothing. */
    public Checkpoint {
        LlamaLayout.validate(config, tensors, source.toString());
    }

    @Override
    public void close() {
        tensors.close();
    }
}
