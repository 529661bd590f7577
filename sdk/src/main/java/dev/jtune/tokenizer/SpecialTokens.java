package dev.jtune.tokenizer;

import java.util.List;

/**
 * Ids of the special tokens a model uses.
 *
 * @param bos -1 when there is none
 * @param eos every id that ends a generation (config.json may list several)
 * @param pad -1 when there is none
 */
public record SpecialTokens(int bos, List<Integer> eos, int pad) {

    public SpecialTokens {
        eos = List.copyOf(eos);
    }
}
