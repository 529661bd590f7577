package dev.jtune.io;

/** Element types jtune reads and writes in safetensors files, with their names and sizes there. */
public enum DType {
    F32(4), F16(2), BF16(2), I64(8), I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16;
    }
}
