package dev.jtune.data.preference;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.jtune.align.PreferenceBatch;
import dev.jtune.align.RewardHead;
import dev.jtune.align.RewardModel;
import dev.jtune.data.CharTokenizer;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.Turn;
import dev.jtune.data.sft.SftExample;
import dev.jtune.data.sft.TemplateRenderer;
import dev.jtune.model.LlamaConfig;
import dev.jtune.model.LlamaInit;
import dev.jtune.model.LlamaModel;
import dev.jtune.model.RopeScaling;
import dev.jtune.model.ScalarHead;
import dev.jtune.testing.Fixtures;
import dev.jtune.testing.TinyModels;
import dev.jtune.tokenizer.ChatTemplate;
import dev.jtune.tokenizer.HfTokenizer;
import dev.jtune.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreferenceExampleBuilderTest {

    private static final int IGNORE = SftExample.IGNORE;
    private static final String ALPACA_PROMPT = "Below is an instruction that describes a task. Write a response "
            + "that appropriately completes the request.\n\n### Instruction:\nhi\n\n### Response:\n";
    private final CharTokenizer tokenizer = new CharTokenizer();

    private PreferenceExampleBuilder builder(int maxLength, PreferenceExampleBuilder.TooLong tooLong) {
        return new PreferenceExampleBuilder(tokenizer, TemplateRenderer.builtIn("alpaca"), maxLength, tooLong);
    }

    @Test
    void rendersBothRepliesAfterTheSamePromptWithThePromptMasked() {
        PreferenceExample e = builder(512, PreferenceExampleBuilder.TooLong.DROP)
                .encode(new PreferencePair(List.of(Turn.user("hi")), "yes", "no", 0.5));
        // BOS, the alpaca prompt (masked), then the reply and EOS (labelled)
        int p = 1 + ALPACA_PROMPT.length();
        assertEquals(p + 3 + 1, e.chosen().length());
        assertEquals(p + 2 + 1, e.rejected().length());
        assertArrayEquals(Arrays.copyOf(e.chosen().inputIds(), p), Arrays.copyOf(e.rejected().inputIds(), p));
        assertEquals(CharTokenizer.BOS, e.chosen().inputIds()[0]);
        assertEquals(CharTokenizer.EOS, e.chosen().inputIds()[p + 3]);
        for (int i = 0; i < p; i++) {
            assertEquals(IGNORE, e.chosen().labels()[i]);
            assertEquals(IGNORE, e.rejected().labels()[i]);
        }
        assertArrayEquals(new int[] {'y', 'e', 's', CharTokenizer.EOS},
                Arrays.copyOfRange(e.chosen().labels(), p, p + 4));
        assertEquals(0.5, e.margin());
    }

    @Test
    void dropsOrTruncatesLongPairsAndLeavesOutPairsWithNothingToCompare() {
        List<PreferencePair> pairs = List.of(
                new PreferencePair(List.of(Turn.user("hi")), "a", "b"),
                new PreferencePair(List.of(Turn.user("hi")), "a much longer reply", "b"),
                new PreferencePair(List.of(Turn.user("hi")), "same", "same"));
        int p = 1 + ALPACA_PROMPT.length();
        PreferenceBuildResult dropped = builder(p + 5, PreferenceExampleBuilder.TooLong.DROP).buildAll(pairs);
        assertEquals(1, dropped.examples().size());
        assertEquals(2, dropped.dropped());       // the long pair, the identical pair
        PreferenceBuildResult cut = builder(p + 5, PreferenceExampleBuilder.TooLong.TRUNCATE).buildAll(pairs);
        assertEquals(2, cut.examples().size());
        assertEquals(1, cut.truncated());
        assertEquals(p + 5, cut.examples().get(1).chosen().length());
        // cut inside the prompt: both replies gone, nothing to compare
        PreferenceBuildResult none = builder(p - 1, PreferenceExampleBuilder.TooLong.TRUNCATE).buildAll(pairs);
        assertEquals(0, none.examples().size());
        assertEquals(3, none.dropped());
    }

    @Test
    void batchesChosenRowsThenRejectedRowsRightPadded() {
        PreferenceExampleBuilder b = builder(512, PreferenceExampleBuilder.TooLong.DROP);
        PreferenceExample one = b.encode(new PreferencePair(List.of(Turn.user("hi")), "yes", "no"));
        PreferenceExample two = b.encode(new PreferencePair(List.of(Turn.user("hi")), "ok", "never"));
        PreferenceBatch batch = PreferenceExample.batch(List.of(one, two), CharTokenizer.PAD);
        assertEquals(2, batch.pairs());
        assertArrayEquals(new int[] {one.chosen().length(), two.chosen().length(), one.rejected().length(),
            two.rejected().length()}, batch.lengths());
        assertEquals(two.rejected().length(), batch.length());
        assertEquals(CharTokenizer.PAD, batch.inputIds()[0][batch.length() - 1]);
        assertEquals(IGNORE, batch.labels()[0][batch.length() - 1]);
        assertNull(batch.margins());
        assertArrayEquals(new float[] {1.5f, 0f}, PreferenceExample.batch(List.of(
                b.encode(new PreferencePair(List.of(Turn.user("hi")), "yes", "no", 1.5)), two), 0).margins());
    }

    @Test
    void theRewardModelEncodesAndScoresAPairAsTheBuilderDoes() {
        PreferenceExample e = builder(512, PreferenceExampleBuilder.TooLong.DROP)
                .encode(new PreferencePair(List.of(Turn.user("hi")), "yes", "no"));
        // a tiny decoder that reads every character id and the whole alpaca prompt
        LlamaModel model = LlamaInit.initialize(new LlamaConfig(256, 32, 48, 2, 4, 2, 8, 512, 1e-5, 10000.0,
                RopeScaling.NONE, false, 1, List.of(2), 0), 1, Device.cpu());
        RewardHead head = new RewardHead(ScalarHead.create(32, 1, model.manager()), 1.5);
        try (RewardModel rm = new RewardModel(model, null, head, new CharTokenizer(), ChatTemplate.builtIn("alpaca"),
                false); NDManager scope = model.manager().newSubManager()) {
            assertArrayEquals(e.chosen().inputIds(), rm.encode("hi", "yes"));
            assertArrayEquals(e.rejected().inputIds(), rm.encode("hi", "no"));
            // the likelihood term averages over the tokens the builder labels as the reply
            PreferenceBatch batch = PreferenceExample.batch(List.of(e), CharTokenizer.PAD);
            float[] trained = batch.rewards(model, head, scope).toFloatArray();                // (2)
            assertArrayEquals(trained, rm.score(List.of("hi", "hi"), List.of("yes", "no")), 1e-4f);
            float[] headOnly = batch.rewards(model, RewardHead.of(head.score()), scope).toFloatArray();
            assertNotEquals(headOnly[0], trained[0], 1e-3, "the likelihood term changed nothing");
        }
    }

    @Test
    void hhRlhfPairsShareTheirPromptTokensAndDifferAfterIt() throws Exception {
        Path file = Fixtures.path("data/preference/hh-rlhf-harmless-base-test/test_part1.jsonl.gz");
        List<PreferencePair> pairs = new PreferenceReader().readAll(file).records().subList(0, 60);
        try (Tokenizer tok = HfTokenizer.load(Fixtures.path("weights/stories260K-hf"))) {
            PreferenceBuildResult r = new PreferenceExampleBuilder(tok, TemplateRenderer.builtIn("alpaca"), 256,
                    PreferenceExampleBuilder.TooLong.DROP).buildAll(pairs);
            assertTrue(r.examples().size() > 5, "pairs kept: " + r.examples().size());
            assertEquals(60, r.examples().size() + r.dropped());
            for (PreferenceExample e : r.examples()) {
                int prompt = firstLabel(e.chosen());
                assertEquals(prompt, firstLabel(e.rejected()));
                assertArrayEquals(Arrays.copyOf(e.chosen().inputIds(), prompt),
                        Arrays.copyOf(e.rejected().inputIds(), prompt));
                assertFalse(Arrays.equals(e.chosen().inputIds(), e.rejected().inputIds()));
                assertTrue(e.length() <= 256);
            }
        }
    }

    private static int firstLabel(SftExample e) {
        for (int i = 0; i < e.length(); i++) {
            if (e.labels()[i] != IGNORE) {
                return i;
            }
        }
        return -1;
    }
}
