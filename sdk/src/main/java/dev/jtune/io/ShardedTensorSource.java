package dev.jtune.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** Several safetensors files seen as one source, each tensor read from the file an index assigns it to. */
final class ShardedTensorSource implements TensorSource {

    private final SortedMap<String, SafetensorsFile> byName;
    private final List<SafetensorsFile> files;

    /** {@code byName} maps each tensor to an open file that holds it; closing this closes {@code files}. */
    ShardedTensorSource(Map<String, SafetensorsFile> byName, List<SafetensorsFile> files) {
        this.byName = Collections.unmodifiableSortedMap(new TreeMap<>(byName));
        this.files = List.copyOf(files);
    }

    @Override
    public Set<String> names() {
        return byName.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        return file(name).load(name, manager);
    }

    @Override
    public float[] readFloats(String name) {
        return file(name).readFloats(name);
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile f = byName.get(name);
        if (f == null) {
            throw new InvalidCheckpointException(files.isEmpty() ? "no tensor named " + name
                    : files.get(0).file().getParent() + ": no tensor named " + name + " in the index");
        }
        return f;
    }
}
