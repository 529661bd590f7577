package dev.jtune.train;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;

import java.util.Map;

/**
 * The loop's own state in a checkpoint ({@code trainer_state.json}), beside the weights and optimizer moments.
 *
 * @param step           optimizer steps completed
 * @param seed           the run's seed
 * @param optimizerSteps the optimizer's own step count (its bias corrections depend on it)
 * @param dataPosition   what {@link Objective#state()} returned after this step
 * @param bestEvalLoss   the lowest held-out loss so far, or null before any evaluation
 * @param elapsedSeconds training wall time so far, over all resumes
 * @param config         the settings the run used
 */
public record TrainerState(int step, long seed, long optimizerSteps, Map<String, Object> dataPosition,
                           Double bestEvalLoss, double elapsedSeconds, TrainConfig config) {

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
            .serializeSpecialFloatingPointValues()
            .setPrettyPrinting()
            .create();

    public TrainerState {
        if (step < 0 || optimizerSteps < 0) {
            throw new IllegalArgumentException("trainer state steps must be >= 0, got " + step + " / "
                    + optimizerSteps);
        }
        dataPosition = dataPosition == null ? Map.of() : dataPosition;
    }

    /** This state as pretty-printed JSON with snake_case keys. */
    public String toJson() {
        return GSON.toJson(this);
    }

    /** Parses {@link #toJson()} output; {@code source} names the file in errors. */
    public static TrainerState fromJson(String json, String source) {
        try {
            TrainerState s = GSON.fromJson(json, TrainerState.class);
            if (s == null || s.config() == null) {
                throw new IllegalArgumentException(source + ": not a trainer state (no config)");
            }
            return s;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(source + ": unreadable trainer state: " + e.getMessage(), e);
        }
    }
}
