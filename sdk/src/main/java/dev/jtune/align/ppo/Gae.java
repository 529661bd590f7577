package dev.jtune.align.ppo;

/**
 * Generalised advantage estimation (Schulman et al. 1506.02438) over each response's tokens, with the value after
 * the last token taken as 0 (the episode ends there):
 * <pre>
 * delta_t = r_t + gamma * V_{t+1} - V_t          V_L = 0 for a response of L tokens
 * A_t     = delta_t + gamma * lam * A_{t+1}      A_L = 0
 * R_t     = A_t + V_t                            the value targets ("returns")
 * </pre>
 */
public final class Gae {

    /** Advantages and returns, each row as long as its response. */
    public record Result(double[][] advantages, double[][] returns) {
    }

    private Gae() {
    }

    /**
     * @param rewards per sequence, its tokens' rewards (row length = response length)
     * @param values  per sequence, the critic's value at each response token (at least as long as the rewards row)
     */
    public static Result compute(double[][] rewards, double[][] values, double gamma, double lam) {
        double[][] adv = new double[rewards.length][];
        double[][] ret = new double[rewards.length][];
        for (int b = 0; b < rewards.length; b++) {
            int n = rewards[b].length;
            if (values[b].length < n) {
                throw new IllegalArgumentException("sequence " + b + " has " + n + " rewards but "
                        + values[b].length + " values");
            }
            adv[b] = new double[n];
            ret[b] = new double[n];
            double next = 0;
            for (int t = n - 1; t >= 0; t--) {
                double nextValue = t + 1 < n ? values[b][t + 1] : 0;
                double delta = rewards[b][t] + gamma * nextValue - values[b][t];
                next = delta + gamma * lam * next;
                adv[b][t] = next;
                ret[b][t] = next + values[b][t];
            }
        }
        return new Result(adv, ret);
    }
}
