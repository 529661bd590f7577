package dev.jtune.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.io.DType;
import dev.jtune.io.SafetensorsFile;
import dev.jtune.io.SafetensorsWriter;
import dev.jtune.io.TensorData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Checkpoint tensors as F32 safetensors files, through the SDK's validating reader and atomic writer. */
final class CheckpointFiles {

    private CheckpointFiles() {
    }

    static void write(Path file, Map<String, NDArray> tensors) throws IOException {
        SafetensorsWriter.write(file, TensorData.of(tensors), DType.F32);
    }

    /** Every tensor of {@code file}, loaded into {@code manager}. */
    static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                out.put(name, f.load(name, manager));
            }
        }
        return out;
    }
}
