package dev.jtune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.io.Directories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of a run, {@code RUN_DIR/checkpoints/step-N}, each holding
 * {@value #TRAINABLE} (the trainable parameters), {@value #OPTIMIZER} (AdamW moments) and {@value #STATE}.
 * A checkpoint is written into {@code .step-N.tmp} and renamed when complete, so a directory named {@code step-N}
 * is always whole; temporary directories are never read and a failed write removes its own.
 */
public final class Checkpoints {

    /** File of the trainable parameters, under their model names. */
    public static final String TRAINABLE = "trainable.safetensors";
    /** File of the optimizer moments ({@code NAME.exp_avg}, {@code NAME.exp_avg_sq}). */
    public static final String OPTIMIZER = "optimizer.safetensors";
    /** File of the {@link TrainerState}, written last. */
    public static final String STATE = "trainer_state.json";

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");

    /** How tensors reach a file; a seam so tests can make writing fail. */
    @FunctionalInterface
    interface TensorWriter {
        void write(Path file, Map<String, NDArray> tensors) throws IOException;
    }

    private final Path dir;
    private final int keep;
    private final TensorWriter writer;

    /** The checkpoints under {@code runDir/checkpoints}, keeping the newest {@code keep} (0 keeps all). */
    public Checkpoints(Path runDir, int keep) {
        this(runDir, keep, CheckpointFiles::write);
    }

    Checkpoints(Path runDir, int keep, TensorWriter writer) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must be >= 0, got " + keep);
        }
        this.dir = runDir.resolve("checkpoints");
        this.keep = keep;
        this.writer = writer;
    }

    /** The complete checkpoints, oldest first. */
    public List<Path> complete() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .sorted(Comparator.comparingLong(Checkpoints::stepOf))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + dir, e);
        }
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() {
        List<Path> all = complete();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * Writes checkpoint {@code step-N} for {@code state.step()}, then prunes old ones. On failure the temporary
     * directory is removed, earlier checkpoints are untouched, and the IOException says which checkpoint failed.
     */
    public Path save(Map<String, NDArray> params, AdamW optimizer, TrainerState state) throws IOException {
        String name = "step-" + state.step();
        Path target = dir.resolve(name);
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            Files.createDirectories(dir);
            Directories.deleteTree(tmp);
            Files.createDirectory(tmp);
            writer.write(tmp.resolve(TRAINABLE), params);
            writer.write(tmp.resolve(OPTIMIZER), optimizer.state());
            Files.writeString(tmp.resolve(STATE), state.toJson(), StandardCharsets.UTF_8);
            Directories.publish(tmp, target);
        } catch (IOException | RuntimeException e) {
            try {
                Directories.deleteTree(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new IOException("could not write checkpoint " + target + " (previous checkpoint "
                    + latest().map(Path::toString).orElse("none") + " is untouched): " + e.getMessage(), e);
        }
        prune();
        return target;
    }

    /**
     * Copies the parameters and optimizer state of {@code checkpoint} into {@code params} and {@code optimizer}
     * and returns its trainer state. Every trainable parameter must be in the checkpoint with its shape.
     */
    public TrainerState load(Path checkpoint, Map<String, NDArray> params, AdamW optimizer) throws IOException {
        TrainerState state = TrainerState.fromJson(
                Files.readString(checkpoint.resolve(STATE), StandardCharsets.UTF_8),
                checkpoint.resolve(STATE).toString());
        NDArray first = params.values().iterator().next();
        try (NDManager scratch = first.getManager().getEngine().newBaseManager(first.getDevice())) {
            Path file = checkpoint.resolve(TRAINABLE);
            Map<String, NDArray> saved = CheckpointFiles.read(file, scratch);
            Set<String> unexpected = new HashSet<>(saved.keySet());
            unexpected.removeAll(params.keySet());
            if (!unexpected.isEmpty()) {
                throw new IOException(file + ": holds tensors that are not trainable here: " + unexpected);
            }
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray s = saved.get(e.getKey());
                if (s == null) {
                    throw new IOException(file + ": lacks trainable parameter '" + e.getKey() + "'");
                }
                if (!s.getShape().equals(e.getValue().getShape())) {
                    throw new IOException(file + ": '" + e.getKey() + "' has shape " + s.getShape()
                            + ", the model has " + e.getValue().getShape());
                }
            }
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                e.getValue().set(saved.get(e.getKey()).toFloatArray());
            }
            Path optFile = checkpoint.resolve(OPTIMIZER);
            try {
                optimizer.load(CheckpointFiles.read(optFile, scratch), state.optimizerSteps());
            } catch (IllegalArgumentException e) {
                throw new IOException(optFile + ": " + e.getMessage(), e);
            }
        }
        return state;
    }

    private void prune() throws IOException {
        if (keep == 0) {
            return;
        }
        List<Path> all = new ArrayList<>(complete());
        for (int i = 0; i < all.size() - keep; i++) {
            LOG.debug("removing old checkpoint {}", all.get(i));
            // renamed out of the step-N namespace first, so a crash mid-delete leaves no partial step-N
            Path doomed = dir.resolve("." + all.get(i).getFileName() + ".old");
            Directories.deleteTree(doomed);
            Files.move(all.get(i), doomed, StandardCopyOption.ATOMIC_MOVE);
            Directories.deleteTree(doomed);
        }
    }

    private static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
