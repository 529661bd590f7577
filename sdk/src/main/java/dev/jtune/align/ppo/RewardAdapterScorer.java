package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.align.RewardHead;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Scores with a learnt reward model kept as a frozen adapter plus its {@link RewardHead} over the shared base: the
 * head reads the final hidden state at each sequence's last real token (prompt + response), as transformers'
 * {@code LlamaForSequenceClassification} does, and adds the likelihood term when the reward model has one.
 */
public final class RewardAdapterScorer implements Scorer {

    private final LoraModel lora;
    private final String adapter;
    private final RewardHead head;
    private final int padId;

    public RewardAdapterScorer(LoraModel lora, String adapter, RewardHead head, int padId) {
        lora.config(adapter);
        long width = head.score().weight().getShape().get(1);
        if (width != lora.model().config().hiddenSize()) {
            throw new IllegalArgumentException("reward head is (1, " + width + ") but the base model's hidden size is "
                    + lora.model().config().hiddenSize());
        }
        this.lora = lora;
        this.adapter = adapter;
        this.head = head;
        this.padId = padId;
    }

    /**
     * Loads a reward adapter directory (PEFT LoRA with the head under {@code modules_to_save}) into {@code lora} as
     * adapter {@code name}; its head goes into {@code headManager}.
     */
    public static RewardAdapterScorer load(LoraModel lora, Path dir, String name, int padId, NDManager headManager)
            throws IOException {
        PeftAdapters.load(lora, dir, name);
        RewardHead head = RewardHead.load(dir, lora.model().config().hiddenSize(), headManager, false);
        return new RewardAdapterScorer(lora, name, head, padId);
    }

    public RewardHead head() {
        return head;
    }

    @Override
    public double[] score(List<Rollout> rollouts) {
        ResponseBatch batch = ResponseBatch.of(rollouts, padId);
        String wasActive = lora.active();
        boolean wasEnabled = lora.isEnabled();
        try (NDManager scope = lora.model().manager().newSubManager()) {
            lora.setEnabled(true);
            lora.setActive(adapter);
            NDArray hidden = batch.hidden(lora.model(), scope);                                        // (B, T, D)
            float[] s = head.rewards(lora.model(), hidden, batch.lastTokens(), batch.labels()).toFloatArray(); // (B)
            double[] out = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                out[i] = s[i];
            }
            return out;
        } finally {
            lora.setActive(wasActive);
            lora.setEnabled(wasEnabled);
        }
    }
}
