package dev.jtune.data.sft;

import java.util.List;

/**
 * The examples built from a list of records, and what happened on the way.
 *
 * @param examples  examples in record order, each at most the maximum length
 * @param truncated how many examples were cut to the maximum length
 * @param dropped   how many records were left out because no trained token remained (after truncation)
 */
public record SftBuildResult(List<SftExample> examples, int truncated, int dropped) {

    public SftBuildResult {
        examples = List.copyOf(examples);
    }
}
