package dev.jtune.data.sft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Packs examples, in order, into sequences of exactly {@code seqLen} tokens: each sequence takes examples while the
 * next one fits, then is padded. No example is split across sequences, so attention and positions never leak from
 * one example into another (see {@link PackedSequence}).
 */
public final class Packer {

    private final int seqLen;
    private final int padId;

    /**
     * @param seqLen length of every packed sequence
     * @param padId  token id of padding
     */
    public Packer(int seqLen, int padId) {
        if (seqLen < 1) {
            throw new IllegalArgumentException("seqLen must be positive, got " + seqLen);
        }
        this.seqLen = seqLen;
        this.padId = padId;
    }

    /**
     * The packed sequences.
     *
     * @throws IllegalArgumentException when an example is longer than {@code seqLen} (truncate it first, with a
     *                                  maximum length of at most {@code seqLen})
     */
    public List<PackedSequence> pack(List<SftExample> examples) {
        List<PackedSequence> out = new ArrayList<>();
        Builder current = new Builder();
        for (int i = 0; i < examples.size(); i++) {
            SftExample example = examples.get(i);
            if (example.length() > seqLen) {
                throw new IllegalArgumentException("example " + i + " has " + example.length()
                        + " tokens, more than the packed length " + seqLen);
            }
            if (current.used + example.length() > seqLen) {
                out.add(current.finish());
                current = new Builder();
            }
            current.add(example);
        }
        if (current.segments > 0) {
            out.add(current.finish());
        }
        return out;
    }

    /** One sequence being filled. */
    private final class Builder {
        final int[] ids = new int[seqLen];
        final int[] labels = new int[seqLen];
        final int[] positions = new int[seqLen];
        final int[] segmentIds = new int[seqLen];
        int used;
        int segments;

        void add(SftExample example) {
            int n = example.length();
            System.arraycopy(example.inputIds(), 0, ids, used, n);
            System.arraycopy(example.labels(), 0, labels, used, n);
            for (int t = 0; t < n; t++) {
                positions[used + t] = t;
                segmentIds[used + t] = segments;
            }
            if (n > 0) {
                labels[used] = SftExample.IGNORE;
            }
            used += n;
            segments++;
        }

        PackedSequence finish() {
            Arrays.fill(ids, used, seqLen, padId);
            Arrays.fill(labels, used, seqLen, SftExample.IGNORE);
            Arrays.fill(segmentIds, used, seqLen, PackedSequence.PADDING);
            return new PackedSequence(ids, labels, positions, segmentIds);
        }
    }
}
