package dev.jtune.tokenizer;

import java.util.List;

/** Text to token ids and back. Implementations own native memory: close them. */
public interface Tokenizer extends AutoCloseable {

    /** Encodes with the tokenizer's own post-processing (BOS where the tokenizer adds one). */
    int[] encode(String text);

    /** Encodes without any special tokens added: for pieces of a chat template or a packed corpus. */
    int[] encodeRaw(String text);

    List<int[]> encodeBatch(List<String> texts);

    /** Decodes ids, leaving out special tokens such as BOS and EOS. */
    String decode(int[] ids);

    int vocabSize();

    SpecialTokens specialTokens();

    @Override
    void close();
}
