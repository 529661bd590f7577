package dev.jtune.data.corpus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one token shard to a temporary file beside its target and renames it into place on {@link #commit()}, so a
 * file under the target name is always complete. Closing without committing deletes the temporary file.
 * <pre>{@code
 * try (ShardWriter w = ShardWriter.create(path, TokenDType.UINT16, 32000)) {
 *     w.write(ids);
 *     w.commit();
 * }
 * }</pre>
 */
public final class ShardWriter implements AutoCloseable {

    private final Path target;
    private final Path temp;
    private final TokenDType dtype;
    private final int vocabSize;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long count;
    private boolean done;

    private ShardWriter(Path target, Path temp, TokenDType dtype, int vocabSize, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.dtype = dtype;
        this.vocabSize = vocabSize;
        this.channel = channel;
    }

    /** Starts a shard that will be {@code target} once committed. */
    public static ShardWriter create(Path target, TokenDType dtype, int vocabSize) throws IOException {
        Path temp = AtomicFiles.temporaryFor(target);
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        ShardWriter writer = new ShardWriter(target, temp, dtype, vocabSize, channel);
        writer.buffer.position(ShardHeader.SIZE);
        return writer;
    }

    /** Tokens written so far. */
    public long count() {
        return count;
    }

    /**
     * Appends ids.
     *
     * @throws IllegalArgumentException for an id the dtype cannot hold
     */
    public void write(int[] ids, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            int id = ids[i];
            if (id < 0 || id > dtype.maxId()) {
                throw new IllegalArgumentException("token id " + id + " does not fit " + dtype + " (writing " + target
                        + ")");
            }
            if (buffer.remaining() < dtype.bytes()) {
                flush();
            }
            if (dtype == TokenDType.UINT16) {
                buffer.putShort((short) id);
            } else {
                buffer.putInt(id);
            }
        }
        count += to - from;
    }

    /** Appends all of {@code ids}. */
    public void write(int[] ids) throws IOException {
        write(ids, 0, ids.length);
    }

    /** Writes the header, syncs, and renames the shard into place. */
    public void commit() throws IOException {
        flush();
        ByteBuffer header = new ShardHeader(dtype, vocabSize, count).toBytes();
        while (header.hasRemaining()) {
            channel.write(header, ShardHeader.SIZE - header.remaining());
        }
        channel.force(true);
        channel.close();
        AtomicFiles.commit(temp, target);
        done = true;
    }

    /** Deletes the temporary file unless the shard was committed. */
    @Override
    public void close() throws IOException {
        if (!done) {
            channel.close();
            Files.deleteIfExists(temp);
            done = true;
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }
}
