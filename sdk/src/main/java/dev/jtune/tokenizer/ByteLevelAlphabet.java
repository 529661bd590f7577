package dev.jtune.tokenizer;

/**
 * GPT-2's byte-to-unicode table, which byte-level BPE uses to spell every byte as a printable character: the bytes
 * of '!'..'~', '¡'..'¬' and '®'..'ÿ' stand for themselves, the other 68 (controls, space, DEL, NBSP, soft hyphen)
 * become U+0100, U+0101, ... in byte order. Space is therefore 'Ġ' (U+0120) and newline 'Ċ' (U+010A).
 */
final class ByteLevelAlphabet {

    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (printable ? b : next++);
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The byte-level spelling of {@code bytes}, one character per byte. */
    static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }
}
