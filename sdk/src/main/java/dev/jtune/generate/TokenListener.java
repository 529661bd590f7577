package dev.jtune.generate;

/** Receives tokens as they are generated, for streaming output in applications. */
@FunctionalInterface
public interface TokenListener {

    /**
     * @param sequence  index of the prompt in the batch
     * @param tokenId   the new token
     * @param textDelta text completed by this token (may be empty while a multi-byte character is incomplete)
     */
    void onToken(int sequence, int tokenId, String textDelta);
}
