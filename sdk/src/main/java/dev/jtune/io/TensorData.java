package dev.jtune.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tensor that {@link SafetensorsWriter} can store: a shape and its float values in C order. {@link HostTensor}
 * holds them on the heap; {@link #of(NDArray)} wraps an NDArray, whose values are copied out only when written.
 */
public interface TensorData {

    /** The shape, outermost dimension first. */
    long[] shape();

    /** The values in C order; {@code product(shape)} of them. */
    float[] floats();

    /** Wraps a FLOAT32 NDArray; its values are read when the writer reaches it, one tensor at a time. */
    static TensorData of(NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("only FLOAT32 arrays can be written, got " + array.getDataType());
        }
        long[] shape = array.getShape().getShape();
        return new TensorData() {
            @Override
            public long[] shape() {
                return shape.clone();
            }

            @Override
            public float[] floats() {
                return array.toFloatArray();
            }
        };
    }

    /** Wraps each array of a name-to-array map, keeping its order. */
    static Map<String, TensorData> of(Map<String, NDArray> arrays) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        arrays.forEach((name, array) -> out.put(name, of(array)));
        return out;
    }
}
