package dev.jtune.data.preference;

import dev.jtune.align.PreferenceBatch;
import dev.jtune.data.sft.SftExample;

import java.util.List;

/**
 * One tokenized preference pair: prompt + chosen and prompt + rejected, each with the prompt masked out of the
 * labels, as SFT builds a conversation.
 *
 * @param chosen   the prompt followed by the preferred reply
 * @param rejected the prompt followed by the other reply
 * @param margin   the pair's margin for the reward loss (0 when the data gives none)
 */
public record PreferenceExample(SftExample chosen, SftExample rejected, double margin) {

    /** The longer of the two rows: what the batch pads to. */
    public int length() {
        return Math.max(chosen.length(), rejected.length());
    }

    /**
     * The pairs as one batch of chosen rows then rejected rows, right-padded with {@code padId}; margins are
     * included when any pair has one.
     */
    public static PreferenceBatch batch(List<PreferenceExample> pairs, int padId) {
        int p = pairs.size();
        int[][] chosenIds = new int[p][];
        int[][] chosenLabels = new int[p][];
        int[][] rejectedIds = new int[p][];
        int[][] rejectedLabels = new int[p][];
        float[] margins = new float[p];
        boolean anyMargin = false;
        for (int i = 0; i < p; i++) {
            PreferenceExample e = pairs.get(i);
            chosenIds[i] = e.chosen().inputIds();
            chosenLabels[i] = e.chosen().labels();
            rejectedIds[i] = e.rejected().inputIds();
            rejectedLabels[i] = e.rejected().labels();
            margins[i] = (float) e.margin();
            anyMargin |= e.margin() != 0;
        }
        return PreferenceBatch.of(chosenIds, chosenLabels, rejectedIds, rejectedLabels, anyMargin ? margins : null,
                padId);
    }
}
