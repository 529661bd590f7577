package dev.jtune.lora;

import java.util.List;
import java.util.Set;

/**
 * A LoRA adapter's shape, with PEFT's meanings: each target projection W gets {@code W + scaling * B A}, A (r, in),
 * B (out, r), {@code scaling = alpha / r} ({@code alpha / sqrt(r)} with rsLoRA).
 *
 * @param targetModules HF module names (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj), or the one
 *                      entry {@code all-linear} for all seven
 * @param init          how A starts (B always starts at zero, so a fresh adapter changes nothing)
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, boolean useRslora,
                         Init init) {

    /** Initialisation of A: PEFT's default Kaiming-uniform (a = sqrt 5), or Gaussian with std 1/r. */
    public enum Init { KAIMING_UNIFORM, GAUSSIAN }

    public static final List<String> ALL_LINEAR =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("LoRA rank r must be positive, got " + r);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("lora_alpha must be positive, got " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), got " + dropout);
        }
        if (targetModules == null || targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules must name at least one module");
        }
        targetModules = targetModules.equals(List.of("all-linear")) ? ALL_LINEAR : List.copyOf(targetModules);
        for (String t : targetModules) {
            if (!ALL_LINEAR.contains(t)) {
                throw new IllegalArgumentException("unknown LoRA target '" + t + "' (known: " + ALL_LINEAR
                        + ", or all-linear)");
            }
        }
        init = init == null ? Init.KAIMING_UNIFORM : init;
    }

    /** r = 8, alpha = 16, no dropout, on all seven projections: the common default. */
    public static LoraConfig defaults() {
        return new LoraConfig(8, 16, 0, ALL_LINEAR, false, Init.KAIMING_UNIFORM);
    }

    public double scaling() {
        return useRslora ? alpha / Math.sqrt(r) : alpha / r;
    }

    /** Whether the projection at HF path {@code moduleName} (e.g. model.layers.0.self_attn.q_proj) is a target. */
    public boolean targets(String moduleName) {
        String leaf = moduleName.substring(moduleName.lastIndexOf('.') + 1);
        return Set.copyOf(targetModules).contains(leaf);
    }
}
