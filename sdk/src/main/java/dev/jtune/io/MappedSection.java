package dev.jtune.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The tensor bytes of one checkpoint file, memory-mapped with {@link FileChannel.MapMode#PRIVATE} (a tensor viewed
 * over a READ_ONLY mapping crashes the JVM on the first in-place op) and read into DJL or into {@code float[]}.
 * Java only maps PRIVATE through a channel opened for writing too; the file is never written (a private mapping's
 * writes stay in memory). A file that cannot be opened for writing (read-only file system or permissions) is mapped
 * READ_ONLY instead, which is safe here only because no array ever views the mapping: every load copies (below).
 *
 * <p>A Java mapping holds at most 2 GiB, so the section is mapped as overlapping windows: window {@code i} starts at
 * {@code i * stride} and is {@code 2 * stride - 1} bytes long (less at the end). Any byte range of at most
 * {@code stride} bytes then lies whole inside the window that holds its first byte, wherever it starts; tensors are
 * read in pieces of at most {@code stride} bytes, so a tensor that crosses a window boundary, or is itself larger
 * than 2 GiB, still reads. With the default 1 GiB stride, windows are just under 2 GiB and the address space used is
 * twice the section's size; no page is read until a tensor is.
 *
 * <p>DJL's {@code manager.create(directByteBuffer, ...)} does not copy: the NDArray aliases the buffer. An alias of
 * the mapping would let an in-place op on one loaded tensor change what the next load of the same tensor returns,
 * and would keep the file mapped for as long as the array lives. So every load copies into memory the engine owns.
 */
final class MappedSection {

    /** Default window stride: 1 GiB, so that a window ({@code 2 * stride - 1} bytes) fits one mapping. */
    static final long DEFAULT_STRIDE = 1L << 30;

    private final Path file;
    private final long length;
    private final long stride;
    private final MappedByteBuffer[] windows;

    /**
     * Opens {@code file} for mapping: read and write when allowed (needed for a PRIVATE mapping; nothing is ever
     * written), read only otherwise.
     */
    static FileChannel openChannel(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (FileSystemException | UnsupportedOperationException e) { // denied, read-only file system
            return FileChannel.open(file, StandardOpenOption.READ);
        }
    }

    /** Maps {@code length} bytes of {@code channel} from {@code start}. */
    MappedSection(Path file, FileChannel channel, long start, long length, long stride) throws IOException {
        if (stride <= 0 || stride > DEFAULT_STRIDE) {
            throw new IllegalArgumentException("stride must be in (0, 1 GiB], got " + stride);
        }
        this.file = file;
        this.length = length;
        this.stride = stride;
        int count = (int) ((length + stride - 1) / stride);
        this.windows = new MappedByteBuffer[count];
        for (int i = 0; i < count; i++) {
            long offset = i * stride;
            long size = Math.min(2 * stride - 1, length - offset);
            windows[i] = map(channel, start + offset, size);
        }
    }

    private static MappedByteBuffer map(FileChannel channel, long position, long size) throws IOException {
        try {
            return channel.map(FileChannel.MapMode.PRIVATE, position, size);
        } catch (NonWritableChannelException e) {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, size); // see the class comment
        }
    }

    /** Little-endian view of {@code 0 < size <= stride} bytes at {@code offset} in the section. */
    ByteBuffer bytes(long offset, int size) {
        if (offset < 0 || size <= 0 || size > stride || offset + size > length) {
            throw new IllegalArgumentException("bad range " + offset + "+" + size + " in " + file);
        }
        int window = (int) (offset / stride);
        int within = (int) (offset - window * stride);
        return windows[window].slice(within, size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Loads a tensor as an NDArray owned by {@code manager} that aliases nothing: floating types as FLOAT32
     * (F16 and BF16 widened in Java), I64 as INT64, I32 as INT32.
     */
    NDArray load(TensorInfo t, NDManager manager) {
        Shape shape = new Shape(t.shape());
        DataType type = switch (t.dtype()) {
            case I64 -> DataType.INT64;
            case I32 -> DataType.INT32;
            default -> DataType.FLOAT32;
        };
        long count = t.elementCount();
        if (count == 0) {
            return manager.zeros(shape, type);
        }
        long perPiece = pieceElements(t.dtype());
        if (count <= perPiece) {
            return piece(t, 0, (int) count, shape, type, manager);
        }
        NDList pieces = new NDList();
        try {
            for (long first = 0; first < count; first += perPiece) {
                int n = (int) Math.min(perPiece, count - first);
                pieces.add(piece(t, first, n, new Shape(n), type, manager));
            }
            try (NDArray flat = NDArrays.concat(pieces)) {
                return flat.reshape(shape);
            }
        } finally {
            pieces.close();
        }
    }

    /** A floating tensor's values, widened to float; at most {@code Integer.MAX_VALUE} of them. */
    float[] readFloats(TensorInfo t) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(file + ": tensor " + t.name() + " is " + t.dtype() + ", not floating");
        }
        long count = t.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": tensor " + t.name() + " has " + count
                    + " elements, too many for one float[]");
        }
        float[] out = new float[(int) count];
        long perPiece = pieceElements(t.dtype());
        for (long first = 0; first < count; first += perPiece) {
            int n = (int) Math.min(perPiece, count - first);
            ByteBuffer src = bytes(t.begin() + first * t.dtype().bytes(), n * t.dtype().bytes());
            int at = (int) first;
            switch (t.dtype()) {
                case F32 -> src.asFloatBuffer().get(out, at, n);
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        out[at + i] = HalfFloats.f16ToFloat(src.getShort(2 * i));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        out[at + i] = HalfFloats.bf16ToFloat(src.getShort(2 * i));
                    }
                }
                default -> throw new AssertionError(t.dtype());
            }
        }
        return out;
    }

    /** Elements per piece: the source bytes fit one window range and the widened result stays under 2 GiB. */
    private long pieceElements(DType dtype) {
        return Math.max(1, stride / Math.max(4, dtype.bytes()));
    }

    private NDArray piece(TensorInfo t, long first, int n, Shape shape, DataType type, NDManager manager) {
        ByteBuffer src = bytes(t.begin() + first * t.dtype().bytes(), n * t.dtype().bytes());
        switch (t.dtype()) {
            case F32, I64, I32 -> {
                try (NDArray view = manager.create(src, shape, type)) {
                    return view.duplicate();
                }
            }
            case F16, BF16 -> {
                ByteBuffer widened = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
                boolean half = t.dtype() == DType.F16;
                for (int i = 0; i < n; i++) {
                    short bits = src.getShort(2 * i);
                    widened.putFloat(4 * i, half ? HalfFloats.f16ToFloat(bits) : HalfFloats.bf16ToFloat(bits));
                }
                return manager.create(widened, shape, DataType.FLOAT32); // aliases our own buffer only
            }
            default -> throw new AssertionError(t.dtype());
        }
    }
}
