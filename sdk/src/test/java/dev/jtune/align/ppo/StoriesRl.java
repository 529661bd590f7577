package dev.jtune.align.ppo;

import ai.djl.ndarray.NDArray;
import dev.jtune.generate.LanguageModel;
import dev.jtune.lora.LoraConfig;
import dev.jtune.testing.Fixtures;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task of the RL smoke tests: the stories260K model (a 260K-parameter TinyStories model) rewarded 1 when its
 * continuation of "... a girl named" names "Lily", 0 otherwise. The base model picks Lily for a share of its
 * heroines, so a policy can learn to pick her more often within a few small steps.
 */
final class StoriesRl {

    static final RewardFunction NAMES_LILY = (prompt, response) -> response.contains("Lily") ? 1.0 : 0.0;

    static final List<String> TRAIN_PROMPTS = List.of("Once upon a time, there was a little girl named",
            "One day, a little girl named", "Once upon a time, there was a girl called", "One day, a girl named",
            "Once upon a time, a little girl named", "Once there was a girl named");

    static final List<String> HELD_OUT_PROMPTS = List.of("One sunny day, a little girl named",
            "Once upon a time, there was a kind girl named", "There was once a girl named");

    /** Small LoRA: r 4 on the attention and MLP projections, alpha 8. */
    static final LoraConfig LORA = new LoraConfig(4, 8, 0, LoraConfig.ALL_LINEAR, false,
            LoraConfig.Init.KAIMING_UNIFORM);

    private StoriesRl() {
    }

    static LanguageModel load() {
        return LanguageModel.load(Fixtures.path("weights/stories260K-hf"));
    }

    /** {@code n} prompts cycling through {@code prompts}. */
    static List<String> repeat(List<String> prompts, int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> prompts.get(i % prompts.size())).toList();
    }

    /** Copies of every base weight's values, to compare after training. */
    static Map<String, float[]> snapshot(LanguageModel lm) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : lm.model().weights().entrySet()) {
            m.put(e.getKey(), e.getValue().toFloatArray());
        }
        return m;
    }
}
