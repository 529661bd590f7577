package dev.jtune.io;

import java.util.Arrays;

/** One tensor's entry in a checkpoint: its dtype, shape, and byte span inside its file's data section. */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
