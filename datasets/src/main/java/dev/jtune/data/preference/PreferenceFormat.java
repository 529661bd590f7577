package dev.jtune.data.preference;

/** The record layouts {@link PreferenceReader} knows. */
public enum PreferenceFormat {
    /** Tell each record's format from its fields (see {@link PreferenceReader}). */
    AUTO,
    /**
     * {@code {prompt, chosen, rejected[, margin]}}: the prompt a string or a message list, each reply a string or a
     * one-message assistant list.
     */
    EXPLICIT,
    /**
     * {@code {chosen, rejected}} without a prompt: Anthropic hh-rlhf transcripts ("\n\nHuman: ...\n\nAssistant: ..."),
     * or two message lists; the prompt is what the two share, up to the final assistant turn.
     */
    IMPLICIT,
    /** LLaMA-Factory {@code {conversations: [{from, value}...], chosen: {from, value}, rejected: {from, value}}}. */
    SHAREGPT,
    /** stack-exchange-paired {@code {question, response_j, response_k}}, {@code response_j} preferred. */
    STACK_EXCHANGE,
    /** {@code {prompt, responses: [best, ..., worst]}}: every ordered pair, k(k-1)/2 per record. */
    RANKED
}
