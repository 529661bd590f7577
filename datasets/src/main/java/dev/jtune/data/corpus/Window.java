package dev.jtune.data.corpus;

import java.util.Arrays;

/**
 * A training window of a token stream: {@code seqLen + 1} consecutive tokens as input and next-token target.
 *
 * @param start  where the window starts in the stream
 * @param input  tokens {@code start .. start + seqLen - 1}
 * @param target tokens {@code start + 1 .. start + seqLen}: {@code target[t]} follows {@code input[t]}
 */
public record Window(long start, int[] input, int[] target) {

    public Window {
        if (input.length != target.length) {
            throw new IllegalArgumentException("input and target differ in length");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Window w && start == w.start && Arrays.equals(input, w.input)
                && Arrays.equals(target, w.target);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(start) * 31 + Arrays.hashCode(input);
    }

    @Override
    public String toString() {
        return "Window[start=" + start + ", input=" + Arrays.toString(input) + ", target=" + Arrays.toString(target)
                + "]";
    }
}
