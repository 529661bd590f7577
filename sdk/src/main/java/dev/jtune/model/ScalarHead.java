package dev.jtune.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * A linear map from the decoder's final hidden state to one number: the reward model's score (read at the last
 * real token) and the PPO critic's value (read at every token). Named {@code score} as in transformers'
 * {@code LlamaForSequenceClassification}, whose weight is (1, D).
 */
public final class ScalarHead {

    public static final String NAME = "score";

    private final NDArray weight; // (1, D)

    public ScalarHead(NDArray weight) {
        if (weight.getShape().dimension() != 2 || weight.getShape().get(0) != 1) {
            throw new IllegalArgumentException("score head weight must be (1, D), got " + weight.getShape());
        }
        this.weight = weight;
    }

    /** A fresh head: N(0, std^2) with std = 1 / sqrt(D + 1), in {@code manager}, trainable. */
    public static ScalarHead create(int hidden, long seed, NDManager manager) {
        float[] w = LlamaInit.normal(new SplittableRandom(seed), hidden, 1.0 / Math.sqrt(hidden + 1.0));
        NDArray weight = manager.create(w, new Shape(1, hidden));
        weight.setName(NAME + ".weight");
        weight.setRequiresGradient(true);
        return new ScalarHead(weight);
    }

    public NDArray weight() {
        return weight;
    }

    /** hidden (B, T, D) -> one value per position (B, T). */
    public NDArray values(NDArray hidden) {
        return hidden.getNDArrayInternal().linear(hidden, weight, null).singletonOrThrow().squeeze(-1); // (B, T)
    }

    /**
     * The value at one position of each row, typically the last real token (which moves with left or right
     * padding): hidden (B, T, D), last (B) indices -> (B).
     */
    public NDArray scores(NDArray hidden, int[] last) {
        long b = hidden.getShape().get(0);
        long[] idx = new long[last.length];
        for (int i = 0; i < last.length; i++) {
            idx[i] = last[i];
        }
        NDArray index = hidden.getManager().create(idx, new Shape(b, 1));          // (B, 1)
        return values(hidden).gather(index, 1).squeeze(-1);                          // (B)
    }
}
