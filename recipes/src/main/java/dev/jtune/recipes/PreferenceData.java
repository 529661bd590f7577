package dev.jtune.recipes;

import ai.djl.ndarray.NDManager;
import dev.jtune.align.PreferenceBatch;
import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.preference.PreferenceExample;
import dev.jtune.data.preference.PreferenceExampleBuilder;
import dev.jtune.data.preference.PreferenceFormat;
import dev.jtune.data.preference.PreferenceReader;
import dev.jtune.lora.LoraModel;
import dev.jtune.train.HeldOut;
import dev.jtune.train.Loss;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * The preference data of the reward and DPO recipes: pairs read from --data, a held-out share (or --eval-data),
 * tokenized with the SFT chat rendering.
 *
 * @param train   training pairs, batched by the sampler's indices
 * @param heldOut held-out pairs in fixed batches
 */
record PreferenceData(List<PreferenceExample> train, List<PreferenceBatch> heldOut) {

    /** The flags both preference recipes add to the training ones. */
    static Options addOptions(Options o) {
        o.addOption(Cli.opt("adapter", "DIR", "start from this PEFT (SFT) adapter"));
        ModelOptions.addTemplate(o);
        o.addOption(Cli.opt("skip-bad-records", null, "skip and count malformed records instead of failing"));
        return o;
    }

    static PreferenceData load(Settings s, Recipes.Base base, int seqLen, int batchSize,
                               PreferenceExampleBuilder.TooLong tooLong, long seed) throws IOException {
        Path data = s.path("data", true);
        Path evalData = s.path("eval-data", false);
        ErrorPolicy policy = s.flag("skip-bad-records") ? ErrorPolicy.SKIP : ErrorPolicy.FAIL;
        PreferenceReader reader = new PreferenceReader(PreferenceFormat.AUTO, policy);
        List<PreferencePair> pairs = reader.readAll(data).records();
        List<PreferencePair> heldOutPairs;
        if (evalData != null) {
            heldOutPairs = reader.readAll(evalData).records();
        } else {
            List<PreferencePair> shuffled = new ArrayList<>(pairs);
            Collections.shuffle(shuffled, new Random(seed));
            int n = (int) Math.round(shuffled.size() * s.number("eval-fraction", 0.1));
            heldOutPairs = shuffled.subList(0, n);
            pairs = shuffled.subList(n, shuffled.size());
        }
        PreferenceExampleBuilder builder = new PreferenceExampleBuilder(base.tokenizer(),
                SftRecipe.renderer(s, base.tokenizerDir()), seqLen, tooLong);
        List<PreferenceExample> train = builder.buildAll(pairs).examples();
        if (train.isEmpty()) {
            throw new UsageException(data + ": no preference pair fits --seq-len " + seqLen);
        }
        List<PreferenceExample> held = builder.buildAll(heldOutPairs).examples();
        List<PreferenceBatch> heldOut = new ArrayList<>();
        for (int from = 0; from < held.size(); from += batchSize) {
            heldOut.add(PreferenceExample.batch(held.subList(from, Math.min(from + batchSize, held.size())),
                    base.padId()));
        }
        return new PreferenceData(train, heldOut);
    }

    /** The training pairs at {@code indices} as one batch. */
    PreferenceBatch batch(int[] indices, int padId) {
        List<PreferenceExample> picked = new ArrayList<>();
        for (int i : indices) {
            picked.add(train.get(i));
        }
        return PreferenceExample.batch(picked, padId);
    }

    /** Each training pair's padded length, for the length-grouped sampler. */
    int[] lengths() {
        return train.stream().mapToInt(PreferenceExample::length).toArray();
    }

    /** Held-out pairs evaluated by {@code loss} with adapter dropout off; null when there are none. */
    HeldOut heldOut(LoraModel lora, BiFunction<PreferenceBatch, NDManager, Loss> loss) {
        if (heldOut.isEmpty()) {
            return null;
        }
        return new HeldOut() {
            @Override
            public int batches() {
                return heldOut.size();
            }

            @Override
            public Loss compute(int index, NDManager scope) {
                boolean training = lora.isTraining();
                lora.setTraining(false);
                try {
                    return loss.apply(heldOut.get(index), scope);
                } finally {
                    lora.setTraining(training);
                }
            }
        };
    }
}
