package dev.jtune.tokenizer;

import java.util.regex.Pattern;

/** The LLaMA-3 split regex: contractions, letter runs with one leading non-letter, 1-3 digit groups, punctuation
 * runs, newline runs and whitespace runs. */
final class PreTokenizerRegex {

    /** As written into tokenizer.json, where the Rust tokenizers compile it (Oniguruma syntax). */
    static final String LLAMA3 = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /**
     * The same regex for java.util.regex. {@code UNICODE_CHARACTER_CLASS} makes {@code \s} match every Unicode
     * white space, as it does in the Rust tokenizers, instead of ASCII white space only.
     */
    static final Pattern PATTERN = Pattern.compile(LLAMA3, Pattern.UNICODE_CHARACTER_CLASS);

    private PreTokenizerRegex() {
    }
}
