package dev.jtune.align;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a preference objective returns for one batch of pairs.
 *
 * @param sum     the loss summed over the pairs (a scalar in the autograd graph); divide by {@code pairs} for the mean
 * @param pairs   how many pairs {@code sum} adds up
 * @param metrics figures to log, each a mean over the pairs (accuracy, margin, rewards), in a fixed order
 */
public record PreferenceLoss(NDArray sum, int pairs, Map<String, Double> metrics) {

    public PreferenceLoss {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}
