package dev.jtune.data.corpus;

import dev.jtune.data.ErrorPolicy;

import java.util.Objects;

/**
 * How {@link CorpusPreparer} builds a corpus.
 *
 * @param validationFraction share of documents held out for validation, in [0, 1)
 * @param seed               the seed choosing which documents are held out
 * @param tokensPerShard     most tokens in one shard file
 * @param textSeparator      the string between documents of {@code .txt} inputs, or null for blank lines
 * @param errorPolicy        what to do with malformed JSON records
 */
public record CorpusOptions(double validationFraction, long seed, int tokensPerShard, String textSeparator,
                            ErrorPolicy errorPolicy) {

    /** Shards of at most 100M tokens: 200 MB as uint16. */
    public static final int DEFAULT_TOKENS_PER_SHARD = 100_000_000;
    /** The largest shard one memory mapping can hold, at 4 bytes per token. */
    public static final int MAX_TOKENS_PER_SHARD = (Integer.MAX_VALUE - ShardHeader.SIZE) / 4;

    public CorpusOptions {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in [0, 1), got " + validationFraction);
        }
        if (tokensPerShard < 1 || tokensPerShard > MAX_TOKENS_PER_SHARD) {
            throw new IllegalArgumentException("tokensPerShard must be in [1, " + MAX_TOKENS_PER_SHARD + "], got "
                    + tokensPerShard);
        }
        Objects.requireNonNull(errorPolicy, "errorPolicy");
    }

    /** Holds out {@code validationFraction} of the documents, with default shard size, blank-line text splitting. */
    public static CorpusOptions of(double validationFraction, long seed) {
        return new CorpusOptions(validationFraction, seed, DEFAULT_TOKENS_PER_SHARD, null, ErrorPolicy.FAIL);
    }
}
