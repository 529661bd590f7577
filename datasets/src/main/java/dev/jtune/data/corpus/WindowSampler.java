package dev.jtune.data.corpus;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Training windows from a token stream, as nanoGPT samples them: each step takes {@code seqLen + 1} tokens from a
 * random start. The start of step {@code n} depends only on the seed and {@code n}, so a resumed run gets the same
 * windows without replaying earlier ones.
 */
public final class WindowSampler {

    private final TokenStream stream;
    private final int seqLen;
    private final long seed;

    /**
     * @param stream the tokens
     * @param seqLen tokens of input per window
     * @param seed   the seed of window starts
     */
    public WindowSampler(TokenStream stream, int seqLen, long seed) {
        if (seqLen < 1) {
            throw new IllegalArgumentException("seqLen must be positive, got " + seqLen);
        }
        if (stream.size() < seqLen + 1L) {
            throw new IllegalArgumentException("the stream has " + stream.size() + " tokens, fewer than a window of "
                    + (seqLen + 1));
        }
        this.stream = stream;
        this.seqLen = seqLen;
        this.seed = seed;
    }

    /** The window of training step {@code step}, starting anywhere in the stream. */
    public Window sample(long step) {
        long starts = stream.size() - seqLen;
        return at(new SplittableRandom(seed ^ (step * 0x9E3779B97F4A7C15L)).nextLong(starts));
    }

    /** The window starting at {@code start}, for walking the stream in order (evaluation). */
    public Window at(long start) {
        int[] tokens = new int[seqLen + 1];
        stream.read(start, tokens);
        return new Window(start, Arrays.copyOf(tokens, seqLen), Arrays.copyOfRange(tokens, 1, seqLen + 1));
    }

    /** How many non-overlapping windows the stream holds, walked with {@link #at} at multiples of seqLen. */
    public long windows() {
        return (stream.size() - 1) / seqLen;
    }
}
