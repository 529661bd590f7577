package dev.jtune.data;

import dev.jtune.tokenizer.SpecialTokens;
import dev.jtune.tokenizer.Tokenizer;

import java.util.List;
import java.util.stream.Collectors;

/** A test tokenizer with one id per character (its code), BOS 1, EOS 2 and pad 0, so ids are easy to write down. */
public final class CharTokenizer implements Tokenizer {

    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int PAD = 0;

    private final int vocabSize;

    /** A tokenizer claiming a vocabulary of 256 ids. */
    public CharTokenizer() {
        this(256);
    }

    /** A tokenizer claiming a vocabulary of {@code vocabSize} ids, which decides the shard dtype. */
    public CharTokenizer(int vocabSize) {
        this.vocabSize = vocabSize;
    }

    @Override
    public int[] encode(String text) {
        int[] raw = encodeRaw(text);
        int[] ids = new int[raw.length + 1];
        ids[0] = BOS;
        System.arraycopy(raw, 0, ids, 1, raw.length);
        return ids;
    }

    @Override
    public int[] encodeRaw(String text) {
        return text.chars().toArray();
    }

    @Override
    public List<int[]> encodeBatch(List<String> texts) {
        return texts.stream().map(this::encode).collect(Collectors.toList());
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id > EOS) {
                sb.append((char) id);
            }
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public SpecialTokens specialTokens() {
        return new SpecialTokens(BOS, List.of(EOS), PAD);
    }

    @Override
    public void close() {
    }
}
