package dev.jtune.model;

/**
 * Model FLOPs per token, with the formulas of ../shared/reference/djl-notes.md (N = non-embedding parameters
 * including the LM head, L layers, T sequence length, D width): forward 2N + 4LTD; full training step
 * 6N + 12LTD; LoRA step 4N + 12LTD + 6 N_lora (no weight gradients for the frozen base).
 */
public final class Flops {

    private Flops() {
    }

    public static double forward(LlamaConfig c, int seqLen) {
        return 2.0 * c.nonEmbeddingParameters() + attention(c, seqLen, 4);
    }

    public static double fullStep(LlamaConfig c, int seqLen) {
        return 6.0 * c.nonEmbeddingParameters() + attention(c, seqLen, 12);
    }

    public static double loraStep(LlamaConfig c, int seqLen, long loraParameters) {
        return 4.0 * c.nonEmbeddingParameters() + attention(c, seqLen, 12) + 6.0 * loraParameters;
    }

    private static double attention(LlamaConfig c, int seqLen, int factor) {
        return (double) factor * c.numLayers() * seqLen * c.hiddenSize();
    }
}
