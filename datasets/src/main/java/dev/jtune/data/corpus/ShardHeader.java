package dev.jtune.data.corpus;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The 32-byte little-endian header of a token shard: magic {@code "JTOK"}, format version (u32), dtype code (u32:
 * 1 = uint16, 2 = uint32), vocabulary size (u32), token count (u64), 8 reserved zero bytes. The tokens follow.
 *
 * @param dtype     how the tokens are stored
 * @param vocabSize the vocabulary the ids come from
 * @param count     how many tokens follow
 */
public record ShardHeader(TokenDType dtype, int vocabSize, long count) {

    /** Header size in bytes. */
    public static final int SIZE = 32;
    /** {@code "JTOK"} read as a little-endian u32. */
    static final int MAGIC = 'J' | 'T' << 8 | 'O' << 16 | 'K' << 24;
    /** The format version this code writes and reads. */
    static final int VERSION = 1;

    /** The header as bytes. */
    ByteBuffer toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(dtype.code()).putInt(vocabSize).putLong(count).putLong(0L);
        return b.flip();
    }

    /**
     * Reads a header, checking magic and version.
     *
     * @throws IllegalArgumentException naming the file when the header is not one this code writes
     */
    static ShardHeader read(ByteBuffer bytes, Path file) {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < SIZE || b.getInt() != MAGIC) {
            throw new IllegalArgumentException(file + ": not a jtune token shard (no JTOK header)");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IllegalArgumentException(file + ": token shard version " + version + ", this code reads "
                    + VERSION);
        }
        TokenDType dtype;
        try {
            dtype = TokenDType.ofCode(b.getInt());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        return new ShardHeader(dtype, b.getInt(), b.getLong());
    }
}
