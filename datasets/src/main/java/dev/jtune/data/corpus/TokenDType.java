package dev.jtune.data.corpus;

/** How token ids are stored in a shard: as unsigned 16-bit integers when the vocabulary allows, else 32-bit. */
public enum TokenDType {
    /** Two bytes per token, for vocabularies of up to 65,536 tokens. */
    UINT16(1, 2, 0xFFFF),
    /** Four bytes per token. */
    UINT32(2, 4, Integer.MAX_VALUE);

    private final int code;
    private final int bytes;
    private final long maxId;

    TokenDType(int code, int bytes, long maxId) {
        this.code = code;
        this.bytes = bytes;
        this.maxId = maxId;
    }

    /** The narrowest type that holds every id of a vocabulary of this size: 16 bits up to 65,536 tokens. */
    public static TokenDType forVocabSize(int vocabSize) {
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabSize must be positive, got " + vocabSize);
        }
        return vocabSize <= 65_536 ? UINT16 : UINT32;
    }

    /** The type with this header code. */
    static TokenDType ofCode(int code) {
        for (TokenDType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown token dtype code " + code);
    }

    /** The code written in shard headers. */
    int code() {
        return code;
    }

    /** Bytes per token. */
    public int bytes() {
        return bytes;
    }

    /** The largest id this type holds (ids are Java ints, so 32-bit storage stops at {@code Integer.MAX_VALUE}). */
    public long maxId() {
        return maxId;
    }
}
