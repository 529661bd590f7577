package dev.jtune.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Set;

/** Named tensors on disk (one safetensors file, a sharded set, or a llama2.c file), loaded on demand. */
public interface TensorSource extends AutoCloseable {

    /** Tensor names, sorted. */
    Set<String> names();

    /** Dtype and shape of one tensor; throws {@link InvalidCheckpointException} naming it when absent. */
    TensorInfo info(String name);

    /**
     * Loads one tensor into {@code manager}: floating types as FLOAT32 (F16 and BF16 widened in Java),
     * I64 as INT64 and I32 as INT32. The result never aliases read-only memory, so in-place ops are safe.
     */
    NDArray load(String name, NDManager manager);

    /**
     * A floating tensor's values widened to float, in C order. This default goes through DJL; the file-backed
     * sources of this package override it to read the file directly, without the engine.
     */
    default float[] readFloats(String name) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return load(name, manager).toFloatArray();
        }
    }

    @Override
    void close();
}
