package dev.jtune.data.sft;

/** The record layouts {@link SftReader} knows. */
public enum SftFormat {
    /** Tell each record's format from its fields (see {@link SftReader}). */
    AUTO,
    /** {@code {instruction, input, output}}, optional {@code system}: one user turn and the reply. */
    ALPACA,
    /** {@code {messages: [{role, content}...]}}. */
    CHAT,
    /** {@code {conversations: [{from, value}...]}}, optional {@code system}. */
    SHAREGPT,
    /** {@code {prompt, completion}}, also {@code {prompt, answer}} and {@code {prompt, response}}: used verbatim. */
    PROMPT_COMPLETION,
    /** {@code {text}}, and every document of a {@code .txt} file. */
    TEXT,
    /** databricks-dolly {@code {instruction, context, response}}: like Alpaca with the context as the input. */
    DOLLY
}
