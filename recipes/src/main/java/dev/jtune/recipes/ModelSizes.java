package dev.jtune.recipes;

import dev.jtune.model.LlamaConfig;
import dev.jtune.model.RopeScaling;

import java.util.List;

/**
 * Named model sizes for pretraining from scratch and for {@code bench}. tiny and small are the configurations
 * ../shared/reference/djl-notes.md and the PyTorch peer measure; micro is for demos and tests on two cores.
 */
final class ModelSizes {

    private ModelSizes() {
    }

    /**
     * @param vocab the tokenizer's vocabulary size
     * @param bos   -1 for none
     */
    static LlamaConfig of(String name, int vocab, int maxPositions, int bos, List<Integer> eos, int pad) {
        return switch (name) {
            case "micro" -> config(vocab, 128, 344, 4, 4, 2, maxPositions, bos, eos, pad);
            case "mini" -> config(vocab, 192, 512, 6, 6, 2, maxPositions, bos, eos, pad);
            case "tiny" -> config(vocab, 256, 688, 4, 8, 4, maxPositions, bos, eos, pad);
            case "small" -> config(vocab, 512, 1376, 8, 8, 4, maxPositions, bos, eos, pad);
            default -> throw new UsageException("unknown model size '" + name + "' (micro, mini, tiny, small)");
        };
    }

    private static LlamaConfig config(int vocab, int dim, int ffn, int layers, int heads, int kv, int maxPositions,
                                      int bos, List<Integer> eos, int pad) {
        return new LlamaConfig(vocab, dim, ffn, layers, heads, kv, dim / heads, maxPositions, 1e-5, 10000.0,
                RopeScaling.NONE, false, bos, eos, pad);
    }
}
