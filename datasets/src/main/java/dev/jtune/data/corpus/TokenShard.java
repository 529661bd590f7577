package dev.jtune.data.corpus;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One token shard, memory-mapped read-only: the tokens are read from the page cache, not loaded. */
public final class TokenShard {

    private final Path file;
    private final ShardHeader header;
    private final MappedByteBuffer data;

    private TokenShard(Path file, ShardHeader header, MappedByteBuffer data) {
        this.file = file;
        this.header = header;
        this.data = data;
    }

    /**
     * Maps a shard.
     *
     * @throws IllegalArgumentException when the header is wrong or the file size does not match its token count
     */
    public static TokenShard open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < ShardHeader.SIZE) {
                throw new IllegalArgumentException(file + ": " + size + " bytes, too short for a token shard");
            }
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": " + size + " bytes, more than one mapping holds");
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            map.order(ByteOrder.LITTLE_ENDIAN);
            ShardHeader header = ShardHeader.read(map, file);
            long expected = ShardHeader.SIZE + header.count() * header.dtype().bytes();
            if (size != expected) {
                throw new IllegalArgumentException(file + ": " + size + " bytes, but the header promises "
                        + header.count() + " " + header.dtype() + " tokens (" + expected + " bytes)");
            }
            return new TokenShard(file, header, map);
        }
    }

    /** The shard's file. */
    public Path file() {
        return file;
    }

    /** The shard's header. */
    public ShardHeader header() {
        return header;
    }

    /** The number of tokens. */
    public long size() {
        return header.count();
    }

    /** The token at {@code index}. */
    public int get(long index) {
        if (index < 0 || index >= header.count()) {
            throw new IndexOutOfBoundsException("token " + index + " of " + header.count() + " in " + file);
        }
        int at = ShardHeader.SIZE + (int) index * header.dtype().bytes();
        return header.dtype() == TokenDType.UINT16 ? Short.toUnsignedInt(data.getShort(at)) : data.getInt(at);
    }
}
