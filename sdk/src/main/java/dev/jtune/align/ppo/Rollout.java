package dev.jtune.align.ppo;

/**
 * One sampled response to a prompt.
 *
 * @param prompt      the prompt text
 * @param promptIds   the prompt as the policy saw it (BOS included where the tokenizer adds one)
 * @param responseIds the sampled tokens, ending with the EOS token when {@code eos}
 * @param response    the response decoded, special tokens left out
 * @param eos         whether the policy ended the response itself (else it hit the length limit)
 */
public record Rollout(String prompt, int[] promptIds, int[] responseIds, String response, boolean eos) {

    public Rollout {
        if (promptIds.length == 0 || responseIds.length == 0) {
            throw new IllegalArgumentException("a rollout needs at least one prompt token and one response token");
        }
    }

    public int responseLength() {
        return responseIds.length;
    }
}
