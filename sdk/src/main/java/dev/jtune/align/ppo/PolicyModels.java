package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.lora.LoraModel;
import dev.jtune.model.LlamaModel;
import dev.jtune.model.ScalarHead;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The models of RL fine-tuning as named LoRA adapters over one frozen base model, so the base weights exist once:
 * <ul>
 * <li>{@value #POLICY}: the policy being trained;</li>
 * <li>{@value #VALUE} with a {@link ScalarHead}: PPO's critic (absent for GRPO);</li>
 * <li>the reference: the base itself (adapters disabled) or a frozen adapter such as {@value #REFERENCE}, a copy
 *     of the SFT adapter the policy started from.</li>
 * </ul>
 * Each forward pass selects its adapter with {@link LoraModel#setActive}; adapter dropout stays off (as TRL
 * disables dropout for PPO), so log-probs at rollout and at update time agree.
 */
public final class PolicyModels implements AutoCloseable {

    public static final String POLICY = "policy";
    public static final String VALUE = "value";
    public static final String REFERENCE = "reference";
    public static final String REWARD = "reward";

    private final LoraModel lora;
    private final String referenceAdapter;
    private final ScalarHead valueHead;
    private final NDManager headManager;

    /**
     * @param lora             holds adapter {@value #POLICY} (and {@value #VALUE} when {@code valueHead} is given)
     * @param referenceAdapter the frozen reference adapter's name, or null for the base model
     * @param valueHead        the critic's head (trainable), or null without a critic
     * @param headManager      owns the head's weight (closed with this object), or null
     */
    public PolicyModels(LoraModel lora, String referenceAdapter, ScalarHead valueHead, NDManager headManager) {
        lora.config(POLICY);
        if (valueHead != null) {
            lora.config(VALUE);
        }
        if (referenceAdapter != null) {
            lora.config(referenceAdapter);
        }
        this.lora = lora;
        this.referenceAdapter = referenceAdapter;
        this.valueHead = valueHead;
        this.headManager = headManager;
        lora.setTraining(false);
    }

    public LoraModel lora() {
        return lora;
    }

    public LlamaModel model() {
        return lora.model();
    }

    public boolean hasCritic() {
        return valueHead != null;
    }

    /** The reference's adapter name, or null when the reference is the base model. */
    public String referenceAdapter() {
        return referenceAdapter;
    }

    /** Makes the policy the adapter that generation uses. */
    public void activatePolicy() {
        lora.setEnabled(true);
        lora.setActive(POLICY);
    }

    /**
     * Per-token log-probabilities of the sampled responses under the policy, or under the reference when
     * {@code reference}, ragged per row. The pass runs in a scope of its own: an inference pass keeps every
     * activation until its scope closes, so the rollout's passes run one after the other, not side by side.
     */
    public double[][] logProbs(ResponseBatch batch, double temperature, boolean reference) {
        try (NDManager scope = model().manager().newSubManager()) {
            NDArray logits = reference ? referenceLogits(batch, scope) : policyLogits(batch, scope); // (B, R, V)
            return batch.ragged(batch.logProbs(logits, temperature));
        }
    }

    /** The critic's per-token values of the sampled responses, ragged per row, in a scope of their own. */
    public double[][] values(ResponseBatch batch) {
        try (NDManager scope = model().manager().newSubManager()) {
            return batch.ragged(values(batch, scope));
        }
    }

    /** The policy's logits at the response columns: (B, R, V). */
    public NDArray policyLogits(ResponseBatch batch, NDManager scope) {
        activatePolicy();
        return model().logits(batch.atResponse(batch.hidden(model(), scope)));      // (B, R, V)
    }

    /** The reference's logits at the response columns: (B, R, V); call outside a gradient collector. */
    public NDArray referenceLogits(ResponseBatch batch, NDManager scope) {
        if (referenceAdapter != null) {
            lora.setEnabled(true);
            lora.setActive(referenceAdapter);
            return model().logits(batch.atResponse(batch.hidden(model(), scope)));  // (B, R, V)
        }
        try (AutoCloseable base = lora.disabledScope()) {
            return model().logits(batch.atResponse(batch.hidden(model(), scope)));  // (B, R, V)
        } catch (Exception e) {
            throw new IllegalStateException("could not restore the adapters after the reference pass", e);
        }
    }

    /** The critic's value of the state before each response token: (B, R). */
    public NDArray values(ResponseBatch batch, NDManager scope) {
        if (valueHead == null) {
            throw new IllegalStateException("these models have no critic");
        }
        lora.setEnabled(true);
        lora.setActive(VALUE);
        return valueHead.values(batch.atResponse(batch.hidden(model(), scope)));     // (B, R)
    }

    /** The policy adapter's trainable weights, under PEFT names. */
    public Map<String, NDArray> policyParameters() {
        return lora.parameters(POLICY);
    }

    /** The critic's trainable weights: its adapter's under PEFT names, and the head as {@code score.weight}. */
    public Map<String, NDArray> valueParameters() {
        if (valueHead == null) {
            throw new IllegalStateException("these models have no critic");
        }
        Map<String, NDArray> m = new LinkedHashMap<>(lora.parameters(VALUE));
        m.put(ScalarHead.NAME + ".weight", valueHead.weight());
        return m;
    }

    /** Frees the critic head; the adapters belong to the {@link LoraModel}, which the caller closes. */
    @Override
    public void close() {
        if (headManager != null) {
            headManager.close();
        }
    }
}
