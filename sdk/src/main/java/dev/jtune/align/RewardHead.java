package dev.jtune.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.jtune.io.SafetensorsFile;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.LlamaModel;
import dev.jtune.model.ScalarHead;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a reward model turns its final hidden states into a reward: the {@code score} head read at the last real
 * token, as transformers' {@code LlamaForSequenceClassification} does, plus {@code likelihoodWeight} times the mean
 * log-probability the model's own LM head gives the reply's tokens (SimPO's length-normalised implicit reward,
 * without a reference model).
 * <p>The second term is what lets a reward model check a fact it was never shown rated: the base model read the
 * fact in pretraining, so its LM head already finds the true value likelier than a wrong one, while a head read at
 * the last token learns only the facts of its training pairs. With weight 0 the reward is the head's alone and the
 * adapter is an ordinary PEFT sequence-classification adapter. The weight is saved beside the adapter in
 * {@value #CONFIG_FILE}, which PEFT ignores; an adapter without that file has weight 0. A head trained with the
 * term is no reward model without it, so such an adapter is for jtune's loaders only.
 *
 * @param score            the (1, D) head
 * @param likelihoodWeight weight of the reply's mean token log-probability, finite and &ge; 0
 */
public record RewardHead(ScalarHead score, double likelihoodWeight) {

    /** The file beside a reward adapter that holds {@code likelihood_weight}. */
    public static final String CONFIG_FILE = "reward_config.json";
    /** Where a PEFT sequence-classification adapter keeps its head ({@code modules_to_save: ["score"]}). */
    public static final String HEAD_KEY = PeftAdapters.savedKey(ScalarHead.NAME);

    public RewardHead {
        if (!(likelihoodWeight >= 0) || Double.isInfinite(likelihoodWeight)) {
            throw new IllegalArgumentException("likelihood weight must be finite and >= 0, got " + likelihoodWeight);
        }
    }

    /** The head alone: an ordinary reward model. */
    public static RewardHead of(ScalarHead score) {
        return new RewardHead(score, 0);
    }

    /**
     * The rewards of a batch: hidden (B, T, D) -> (B).
     *
     * @param last   (B) column of each row's last real token
     * @param labels (B) x (T) HF-style labels, the reply's tokens labelled and {@link CausalLmLoss#IGNORE}
     *               elsewhere; unused (may be null) when the weight is 0
     */
    public NDArray rewards(LlamaModel model, NDArray hidden, int[] last, int[][] labels) {
        NDArray scores = score.scores(hidden, last);                                     // (B)
        if (likelihoodWeight == 0) {
            return scores;
        }
        int[] counts = CompletionLogProbs.counts(labels);
        float[] perToken = new float[counts.length];
        for (int i = 0; i < counts.length; i++) {
            perToken[i] = (float) (likelihoodWeight / Math.max(1, counts[i]));
        }
        NDArray summed = CompletionLogProbs.summed(model.logits(hidden), labels);        // (B)
        return scores.add(summed.mul(hidden.getManager().create(perToken)));             // (B)
    }

    /** {@value #CONFIG_FILE} with its text, for {@code PeftAdapters.save}'s files beside the adapter. */
    public Map<String, String> configFiles() {
        JsonObject o = new JsonObject();
        o.addProperty("likelihood_weight", likelihoodWeight);
        return Map.of(CONFIG_FILE, o + "\n");
    }

    /**
     * Reads a reward adapter directory's head (checked to be (1, {@code hidden})) and its likelihood weight (0
     * without {@value #CONFIG_FILE}).
     *
     * @param trainable whether the head's copy takes gradients (a PPO critic initialised from the reward model)
     */
    public static RewardHead load(Path dir, int hidden, NDManager manager, boolean trainable) throws IOException {
        Path file = dir.resolve(PeftAdapters.WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + " is not a reward adapter: it has no " + PeftAdapters.WEIGHTS_FILE);
        }
        NDArray weight;
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            if (!st.names().contains(HEAD_KEY)) {
                throw new IOException(file + " has no " + HEAD_KEY + ": not a reward adapter with a score head");
            }
            long[] shape = st.info(HEAD_KEY).shape();
            if (shape.length != 2 || shape[0] != 1 || shape[1] != hidden) {
                throw new IOException(file + ": " + HEAD_KEY + " is " + new Shape(shape) + ", expected (1, " + hidden
                        + ") for this base model");
            }
            weight = manager.create(st.readFloats(HEAD_KEY), new Shape(shape));
        }
        weight.setName(ScalarHead.NAME + ".weight");
        weight.setRequiresGradient(trainable);
        return new RewardHead(new ScalarHead(weight), likelihoodWeight(dir.resolve(CONFIG_FILE)));
    }

    /** Whether {@code dir}'s adapter weights hold a score head, i.e. it is a reward adapter. */
    public static boolean isRewardAdapter(Path dir) throws IOException {
        Path file = dir.resolve(PeftAdapters.WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            return st.names().contains(HEAD_KEY);
        }
    }

    private static double likelihoodWeight(Path config) throws IOException {
        if (!Files.exists(config)) {
            return 0;
        }
        try {
            JsonObject o = JsonParser.parseString(Files.readString(config, StandardCharsets.UTF_8)).getAsJsonObject();
            double w = o.get("likelihood_weight").getAsDouble();
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("likelihood_weight must be finite and >= 0, got " + w);
            }
            return w;
        } catch (RuntimeException e) {
            throw new IOException(config + ": expected {\"likelihood_weight\": <number >= 0>}: " + e.getMessage(), e);
        }
    }
}
