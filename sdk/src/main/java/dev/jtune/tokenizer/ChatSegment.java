package dev.jtune.tokenizer;

/**
 * A piece of a rendered conversation.
 *
 * @param text      the rendered text
 * @param assistant true for an assistant reply, including the end-of-turn marker that follows it: the tokens a
 *                  model is trained to produce; false for everything else (headers, system and user turns)
 */
public record ChatSegment(String text, boolean assistant) {
}
