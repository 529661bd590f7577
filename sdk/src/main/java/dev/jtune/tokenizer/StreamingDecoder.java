package dev.jtune.tokenizer;

import java.util.Arrays;

/**
 * Turns a stream of generated ids into text as soon as it is complete. Each {@link #push} decodes a short window of
 * the latest ids twice, with and without the new id, and returns what the new id added. Text that ends in U+FFFD is
 * held back, because a multi-byte character split over byte tokens (SentencePiece byte fallback, or byte-level BPE)
 * decodes to U+FFFD until its last byte arrives. The window starts one emission back, so decoders that strip a
 * leading space from the first token still see the same context as a decode of the whole sequence.
 * The concatenation of every {@code push} and the final {@link #flush} equals {@code tokenizer.decode(allIds)}.
 */
public final class StreamingDecoder {

    private final Tokenizer tokenizer;
    private int[] ids = new int[16];
    private int size;
    /** Start of the window that is decoded; text before it has been emitted. */
    private int prefixOffset;
    /** End of the ids whose text has been emitted. */
    private int readOffset;

    /** A decoder over {@code tokenizer}, which it uses but does not own. */
    public StreamingDecoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * A decoder that continues after {@code context} (a prompt) without emitting it: the first generated token is
     * decoded as it reads after the context, so a SentencePiece leading space is kept rather than stripped.
     */
    public StreamingDecoder(Tokenizer tokenizer, int[] context) {
        this.tokenizer = tokenizer;
        int keep = Math.min(context.length, 1);
        this.ids = Arrays.copyOf(Arrays.copyOfRange(context, context.length - keep, context.length), 16);
        this.size = keep;
        this.readOffset = keep;
    }

    /** Adds one id and returns the text it completes: empty while a character is still incomplete. */
    public String push(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String emitted = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
        String all = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
        if (all.length() <= emitted.length() || all.endsWith("\uFFFD")) {
            return "";
        }
        prefixOffset = readOffset;
        readOffset = size;
        return all.substring(emitted.length());
    }

    /**
     * Returns whatever is still held back: at the end of a generation, a trailing replacement character from bytes
     * that never formed a character.
     */
    public String flush() {
        String emitted = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
        String all = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
        prefixOffset = readOffset;
        readOffset = size;
        return all.length() > emitted.length() ? all.substring(emitted.length()) : "";
    }
}
