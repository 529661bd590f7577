package dev.jtune.model;

/**
 * RoPE frequency scaling as Hugging Face configs spell it, under {@code rope_scaling} (transformers v4) or
 * {@code rope_parameters} (v5). Supported types: {@code default}, {@code linear} and {@code llama3}.
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositionEmbeddings) {

    public static final RopeScaling NONE = new RopeScaling("default", 1.0, 1.0, 1.0, 0);

    public RopeScaling {
        switch (type) {
            case "default" -> { }
            case "linear" -> require(factor > 0, "linear rope scaling needs factor > 0, got " + factor);
            case "llama3" -> {
                require(factor > 0, "llama3 rope scaling needs factor > 0, got " + factor);
                require(originalMaxPositionEmbeddings > 0,
                        "llama3 rope scaling needs original_max_position_embeddings > 0");
                require(highFreqFactor > lowFreqFactor,
                        "llama3 rope scaling needs high_freq_factor > low_freq_factor, got "
                                + highFreqFactor + " <= " + lowFreqFactor);
            }
            default -> throw new IllegalArgumentException(
                    "unsupported rope type '" + type + "' (supported: default, linear, llama3)");
        }
    }

    /**
     * The inverse frequencies of the {@code headDim / 2} rotation pairs, scaled by this rule.
     * Pair {@code i} rotates dimension {@code i} with {@code i + headDim/2} (HF rotate_half layout).
     */
    public double[] inverseFrequencies(int headDim, double theta) {
        double[] inv = new double[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            double f = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
            inv[i] = switch (type) {
                case "linear" -> f / factor;
                case "llama3" -> llama3(f);
                default -> f;
            };
        }
        return inv;
    }

    private double llama3(double invFreq) {
        double wavelen = 2 * Math.PI / invFreq;
        double lowWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
        double highWavelen = originalMaxPositionEmbeddings / highFreqFactor;
        if (wavelen < highWavelen) {
            return invFreq;
        }
        if (wavelen > lowWavelen) {
            return invFreq / factor;
        }
        double smooth = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * invFreq / factor + smooth * invFreq;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
