package dev.jtune.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.SortedMap;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header, then the tensors' bytes.
 * {@link #open} checks the whole header before anything is mapped (see {@link SafetensorsHeader}), then maps the
 * data section privately in windows under 2 GiB (see {@link MappedSection}), so opening touches no tensor bytes and
 * files over 2 GiB work. Every load copies, so loaded arrays stay valid and independent after {@link #close}.
 */
public final class SafetensorsFile implements TensorSource {

    /** Largest header accepted: far above any real checkpoint's, low enough to refuse a corrupt length. */
    static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path file;
    private final SortedMap<String, TensorInfo> tensors;
    private final FileChannel channel;
    private MappedSection data;

    private SafetensorsFile(Path file, SortedMap<String, TensorInfo> tensors, FileChannel channel,
                            MappedSection data) {
        this.file = file;
        this.tensors = tensors;
        this.channel = channel;
        this.data = data;
    }

    /** Opens and validates a safetensors file; throws {@link InvalidCheckpointException} naming what is wrong. */
    public static SafetensorsFile open(Path file) {
        return open(file, MappedSection.DEFAULT_STRIDE);
    }

    /** As {@link #open(Path)}, with a smaller mapping window stride so tests can cross window boundaries. */
    static SafetensorsFile open(Path file, long stride) {
        FileChannel channel;
        try {
            channel = MappedSection.openChannel(file);
        } catch (NoSuchFileException e) {
            throw new InvalidCheckpointException(file + ": no such file", e);
        } catch (IOException e) {
            throw new InvalidCheckpointException(file + ": cannot open (" + e.getMessage() + ")", e);
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw fail(file, "file is " + size + " bytes, too short for the 8-byte header length");
            }
            long headerLength = readFully(channel, 0, 8, file).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength == 0) {
                throw fail(file, "header length is 0");
            }
            if (headerLength < 0 || headerLength > size - 8) {
                throw fail(file, "header length " + Long.toUnsignedString(headerLength)
                        + " is past the end of the file (" + size + " bytes)");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw fail(file, "header length " + headerLength + " exceeds the " + MAX_HEADER_BYTES + " byte limit");
            }
            byte[] json = new byte[(int) headerLength];
            readFully(channel, 8, (int) headerLength, file).get(json);
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;
            SortedMap<String, TensorInfo> tensors = SafetensorsHeader.parse(file, json, dataLength);
            MappedSection data = new MappedSection(file, channel, dataStart, dataLength, stride);
            return new SafetensorsFile(file, Collections.unmodifiableSortedMap(tensors), channel, data);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new InvalidCheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The file this reads. */
    public Path file() {
        return file;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new InvalidCheckpointException(file + ": no tensor named " + name);
        }
        return t;
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        return section().load(info(name), manager);
    }

    /** A floating tensor's values widened to float, in C order, read from the mapping without DJL. */
    @Override
    public float[] readFloats(String name) {
        return section().readFloats(info(name));
    }

    /** Releases the file; arrays already loaded stay valid (they are copies). */
    @Override
    public void close() {
        data = null;
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file + ", " + tensors.size() + " tensors]";
    }

    private MappedSection section() {
        MappedSection d = data;
        if (d == null) {
            throw new IllegalStateException(file + " is closed");
        }
        return d;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int size, Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw fail(file, "unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    private static InvalidCheckpointException fail(Path file, String reason) {
        return SafetensorsHeader.fail(file, null, reason);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the channel is being dropped
        }
    }
}
