package dev.jtune.data.preference;

import java.util.List;

/**
 * The examples built from preference pairs, and what happened on the way.
 *
 * @param examples  examples in pair order
 * @param truncated how many pairs had a row cut to the maximum length
 * @param dropped   how many pairs were left out: too long (when longer pairs are dropped), with a reply cut away, or
 *                  with two identical rows
 */
public record PreferenceBuildResult(List<PreferenceExample> examples, int truncated, int dropped) {

    public PreferenceBuildResult {
        examples = List.copyOf(examples);
    }
}
