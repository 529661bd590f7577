package dev.jtune.align.ppo;

/**
 * A reward computed in Java from the text of a prompt and of the policy's response (the response's decoded text,
 * special tokens left out): a verifier, a unit test, a keyword check. Must be cheap and thread-confined.
 */
@FunctionalInterface
public interface RewardFunction {

    double score(String prompt, String response);
}
