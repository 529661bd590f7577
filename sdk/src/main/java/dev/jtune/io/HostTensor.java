package dev.jtune.io;

import java.util.Arrays;

/** Float values in C order with their shape, on the Java heap. */
public record HostTensor(float[] data, long[] shape) implements TensorData {

    public HostTensor {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        if (count != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                    + " values, got " + data.length);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public float[] floats() {
        return data;
    }

    @Override
    public String toString() {
        return "HostTensor" + Arrays.toString(shape);
    }
}
