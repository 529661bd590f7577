package dev.jtune.io;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens whatever a user passes as {@code --model}: an HF directory, a llama2.c {@code .bin}, or a lone safetensors. */
public final class Checkpoints {

    private Checkpoints() {
    }

    /**
     * Opens and validates a checkpoint: a directory as a Hugging Face model ({@link HfCheckpoint}), a {@code .bin}
     * file as llama2.c ({@link Llama2cCheckpoint}), a {@code .safetensors} file with a {@code config.json} beside it
     * as that one file of an HF model. Anything else is an {@link InvalidCheckpointException} saying why.
     */
    public static Checkpoint open(Path path) {
        if (Files.isDirectory(path)) {
            return HfCheckpoint.open(path);
        }
        if (!Files.exists(path)) {
            throw new InvalidCheckpointException(path + ": no such file or directory");
        }
        String name = path.getFileName().toString();
        if (name.endsWith(".bin")) {
            Llama2cCheckpoint bin = Llama2cCheckpoint.open(path);
            try {
                return new Checkpoint(path, bin.config(), bin);
            } catch (RuntimeException e) {
                bin.close();
                throw e;
            }
        }
        if (name.endsWith(".safetensors")) {
            Path config = path.toAbsolutePath().resolveSibling(HfCheckpoint.CONFIG_FILE);
            if (!Files.isRegularFile(config)) {
                throw new InvalidCheckpointException(path + ": a lone .safetensors file needs a "
                        + HfCheckpoint.CONFIG_FILE + " beside it (looked for " + config + ")");
            }
            return HfCheckpoint.open(path);
        }
        throw new InvalidCheckpointException(path + ": not a checkpoint: expected a model directory, a llama2.c "
                + ".bin file or a .safetensors file beside a config.json");
    }
}
