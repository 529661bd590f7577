package dev.jtune.data.world;

/**
 * How big a generated {@link World} is. Every count is an upper bound on what the world can hold; the corpus grows
 * document by document until it reaches {@link #corpusBytes()}.
 */
public enum Preset {
    /** For a test that runs the whole pipeline in a few minutes: 12 people, sums up to 5 + 5, about 200 KB of text. */
    SMOKE(12, 5, 200_000, 200, 40, 120, 54),
    /** The pipeline's bundled data: 40 people, sums up to 9 + 9, about 1.5 MB of text. */
    FULL(40, 9, 1_500_000, 2_000, 200, 450, 180);

    private final int people;
    private final int maxOperand;
    private final int corpusBytes;
    private final int sftTrain;
    private final int sftEval;
    private final int preferencePrompts;
    private final int heldOutQuestions;

    Preset(int people, int maxOperand, int corpusBytes, int sftTrain, int sftEval, int preferencePrompts,
           int heldOutQuestions) {
        this.people = people;
        this.maxOperand = maxOperand;
        this.corpusBytes = corpusBytes;
        this.sftTrain = sftTrain;
        this.sftEval = sftEval;
        this.preferencePrompts = preferencePrompts;
        this.heldOutQuestions = heldOutQuestions;
    }

    /** How many people live in the world (at most 48, the number of names the world has). */
    public int people() {
        return people;
    }

    /** The largest operand of the sums the world knows; operands run from 1 to this. */
    public int maxOperand() {
        return maxOperand;
    }

    /** The size of the pretraining corpus in UTF-8 bytes, reached by the last document. */
    public int corpusBytes() {
        return corpusBytes;
    }

    /** How many SFT demonstrations to train on. */
    public int sftTrain() {
        return sftTrain;
    }

    /** How many SFT demonstrations to evaluate on (about facts the training demonstrations never ask about). */
    public int sftEval() {
        return sftEval;
    }

    /** How many prompts for reward-model pairs and PPO rollouts (at most the distinct questions available). */
    public int preferencePrompts() {
        return preferencePrompts;
    }

    /** How many held-out questions (at most the distinct questions about held-out facts). */
    public int heldOutQuestions() {
        return heldOutQuestions;
    }
}
