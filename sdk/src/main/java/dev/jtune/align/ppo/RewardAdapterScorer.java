package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.io.SafetensorsFile;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.ScalarHead;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Scores with a learnt reward model kept as a frozen adapter plus a {@link ScalarHead} over the shared base: the
 * head reads the final hidden state at each sequence's last real token (prompt + response), as transformers'
 * {@code LlamaForSequenceClassification} does.
 */
public final class RewardAdapterScorer implements Scorer {

    /** Where a PEFT sequence-classification adapter keeps its head ({@code modules_to_save: ["score"]}). */
    public static final String HEAD_KEY = LoraModel.PEFT_PREFIX + ScalarHead.NAME + ".weight";

    private final LoraModel lora;
    private final String adapter;
    private final ScalarHead head;
    private final int padId;

    public RewardAdapterScorer(LoraModel lora, String adapter, ScalarHead head, int padId) {
        lora.config(adapter);
        long width = head.weight().getShape().get(1);
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
     * Loads a reward adapter directory (PEFT LoRA with the head under {@value #HEAD_KEY}) into {@code lora} as
     * adapter {@code name}; its head goes into {@code headManager}.
     */
    public static RewardAdapterScorer load(LoraModel lora, Path dir, String name, int padId, NDManager headManager)
            throws IOException {
        PeftAdapters.load(lora, dir, name);
        return new RewardAdapterScorer(lora, name, readHead(dir, headManager, false), padId);
    }

    /**
     * The score head of a reward adapter directory, (1, D) checked against the base model's width.
     *
     * @param trainable whether the copy takes gradients (a critic initialised from the reward model)
     */
    public static ScalarHead readHead(Path dir, NDManager manager, boolean trainable) throws IOException {
        Path file = dir.resolve(PeftAdapters.WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + " is not a reward adapter: it has no " + PeftAdapters.WEIGHTS_FILE);
        }
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            if (!st.names().contains(HEAD_KEY)) {
                throw new IOException(file + " has no " + HEAD_KEY + ": not a reward adapter with a score head");
            }
            float[] w = st.readFloats(HEAD_KEY);
            Shape shape = new Shape(st.info(HEAD_KEY).shape());
            NDArray weight = manager.create(w, shape);
            weight.setName(ScalarHead.NAME + ".weight");
            weight.setRequiresGradient(trainable);
            try {
                return new ScalarHead(weight);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + HEAD_KEY + ": " + e.getMessage(), e);
            }
        }
    }

    public ScalarHead head() {
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
            NDArray hidden = batch.hidden(lora.model(), scope);                       // (B, T, D)
            float[] s = head.scores(hidden, batch.lastTokens()).toFloatArray();       // (B)
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
