package dev.jtune.data.preference;

import dev.jtune.data.PreferencePair;
import dev.jtune.data.sft.ChatRenderer;
import dev.jtune.data.sft.SftExample;
import dev.jtune.data.sft.SftExampleBuilder;
import dev.jtune.data.sft.SftOptions;
import dev.jtune.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenizes {@link PreferencePair}s for reward modelling and DPO. Each pair becomes two SFT-style examples, the
 * prompt's turns followed by the chosen or the rejected assistant reply, rendered and masked exactly as SFT renders
 * a conversation (so a reward model or DPO policy sees the format the SFT adapter learnt).
 */
public final class PreferenceExampleBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(PreferenceExampleBuilder.class);

    /** What to do with a pair whose longer row exceeds the maximum length. */
    public enum TooLong {
        /** Leave the pair out, as TRL's reward trainer filters them (a cut reply would hide what differs). */
        DROP,
        /** Keep the start of each row (a pair whose reply is cut away entirely is still left out). */
        TRUNCATE
    }

    private final SftExampleBuilder sft;
    private final int maxLength;
    private final TooLong tooLong;

    /**
     * @param renderer  the chat template, as for SFT
     * @param maxLength longest row in tokens
     */
    public PreferenceExampleBuilder(Tokenizer tokenizer, ChatRenderer renderer, int maxLength, TooLong tooLong) {
        if (renderer == null) {
            throw new IllegalArgumentException("preference pairs are conversations: a ChatRenderer is required");
        }
        if (tooLong == null) {
            throw new IllegalArgumentException("say what to do with pairs longer than the maximum length");
        }
        this.sft = new SftExampleBuilder(tokenizer, renderer, new SftOptions(maxLength, false));
        this.maxLength = maxLength;
        this.tooLong = tooLong;
    }

    /** The whole example of one pair, not truncated. */
    public PreferenceExample encode(PreferencePair pair) {
        return new PreferenceExample(sft.encode(pair.chosenConversation()), sft.encode(pair.rejectedConversation()),
                pair.margin());
    }

    /** Examples for every pair, long ones dropped or truncated, leaving out pairs with a reply that is all cut. */
    public PreferenceBuildResult buildAll(Iterable<PreferencePair> pairs) {
        List<PreferenceExample> out = new ArrayList<>();
        int truncated = 0;
        int dropped = 0;
        for (PreferencePair pair : pairs) {
            PreferenceExample e = encode(pair);
            if (e.length() > maxLength) {
                if (tooLong == TooLong.DROP) {
                    dropped++;
                    continue;
                }
                e = new PreferenceExample(e.chosen().truncate(maxLength), e.rejected().truncate(maxLength),
                        e.margin());
                truncated++;
            }
            if (e.chosen().trainedTokens() == 0 || e.rejected().trainedTokens() == 0
                    || Arrays.equals(e.chosen().inputIds(), e.rejected().inputIds())) {
                dropped++;
                continue;
            }
            out.add(e);
        }
        LOG.info("built {} preference pairs (max length {}, {} when longer): {} truncated, {} dropped",
                out.size(), maxLength, tooLong.name().toLowerCase(java.util.Locale.ROOT), truncated, dropped);
        return new PreferenceBuildResult(out, truncated, dropped);
    }
}
