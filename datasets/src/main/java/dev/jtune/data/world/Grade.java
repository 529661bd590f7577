package dev.jtune.data.world;

/**
 * How a human rater would judge a reply to a question of the world, best first. {@link Judge#grade} assigns it;
 * {@link Labeler} ranks by it; {@link Judge#reward} is its {@link #reward()}.
 */
public enum Grade {
    /** Exactly the answer sentence, with the true value: {@code Mira lives in Oakford.} */
    CORRECT(1.0),
    /** Asserts the true value and nothing else, but not as the one answer sentence: it hedges, pads or rambles. */
    RAMBLING(0.6),
    /**
     * Asserts a wrong value, or answers about someone else, politely: {@code Mira lives in Hillby.}, {@code Tom lives
     * in Oakford.}
     */
    WRONG(0.25),
    /** Asserts no value and says so politely: {@code I am not sure.} */
    EVASIVE(0.1),
    /** Rude, empty, or no answer at all, such as a document continued with another question. */
    BAD(0.0);

    private final double reward;

    Grade(double reward) {
        this.reward = reward;
    }

    /** The reward of a reply of this grade, in [0, 1], strictly decreasing down the grades. */
    public double reward() {
        return reward;
    }
}
