package dev.jtune.testing;

import ai.djl.Device;
import dev.jtune.model.LlamaConfig;
import dev.jtune.model.LlamaInit;
import dev.jtune.model.LlamaModel;
import dev.jtune.model.RopeScaling;

import java.util.List;

/** Small randomly initialised models for tests that need a decoder but not trained weights. */
public final class TinyModels {

    private TinyModels() {
    }

    /** vocab 97, hidden 32, 2 layers, 4 query heads over 2 KV heads (GQA), untied head. */
    public static LlamaConfig config() {
        return new LlamaConfig(97, 32, 48, 2, 4, 2, 8, 128, 1e-5, 10000.0, RopeScaling.NONE, false,
                1, List.of(2), 0);
    }

    public static LlamaModel random(long seed) {
        return LlamaInit.initialize(config(), seed, Device.cpu());
    }
}
