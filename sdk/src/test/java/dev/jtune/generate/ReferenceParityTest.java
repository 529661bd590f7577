package dev.jtune.generate;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with llama2.c's run.c on the real stories260K model (../shared/weights, see PROVENANCE.md section 5):
 * greedy generation reproduces the recorded token ids at full length, and the logits at the last prompt position
 * match the recorded fp32 ones within 1e-4, from both the HF directory and the llama2.c .bin file.
 */
class ReferenceParityTest {

    private static final Gson GSON = new Gson();

    private static JsonArray cases() throws IOException {
        return JsonParser.parseString(Files.readString(
                Fixtures.path("weights/stories260K-hf/reference_greedy.json"))).getAsJsonArray();
    }

    private static LanguageModel open(String format) {
        Path hf = Fixtures.path("weights/stories260K-hf");
        return format.equals("hf")
                ? LanguageModel.load(hf)
                : LanguageModel.load(Fixtures.path("weights/stories260K/stories260K.bin"),
                        hf.resolve("tokenizer.json"), Device.cpu());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hf", "llama2c"})
    void greedyTokensAndLastLogitsMatchRunC(String format) throws IOException {
        try (LanguageModel lm = open(format)) {
            for (JsonElement e : cases()) {
                JsonObject c = e.getAsJsonObject();
                int[] prompt = GSON.fromJson(c.get("prompt_token_ids"), int[].class);
                int[] expected = GSON.fromJson(c.get("output_token_ids"), int[].class);
                assertArrayEquals(prompt, lm.tokenizer().encode(c.get("prompt").getAsString()),
                        "prompt encoding of '" + c.get("prompt").getAsString() + "'");
                // run.c's -n N counts positions from BOS: N + 1 ids in all, so N + 1 - |prompt| new ones
                Generation g = lm.generate(c.get("prompt").getAsString(),
                        SamplingParams.greedy(expected.length - prompt.length));
                int[] all = concat(g.promptIds(), g.generatedIds());
                assertArrayEquals(expected, all, format + ": token ids of case '" + c.get("prompt") + "'");

                float[] reference = GSON.fromJson(c.get("last_prompt_position_logits"), float[].class);
                float[] ours = lastLogits(lm, prompt);
                assertEquals(reference.length, ours.length);
                double worst = 0;
                for (int i = 0; i < ours.length; i++) {
                    worst = Math.max(worst, Math.abs(reference[i] - ours[i]));
                }
                assertTrue(worst < 1e-4, format + ": logits differ by " + worst);
            }
        }
    }

    @Test
    void decodedTextMatchesRunCOutput() throws IOException {
        try (LanguageModel lm = open("hf")) {
            JsonObject c = cases().get(0).getAsJsonObject();
            int[] expected = GSON.fromJson(c.get("output_token_ids"), int[].class);
            Generation g = lm.generate(c.get("prompt").getAsString(), SamplingParams.greedy(expected.length - 5));
            // run.c prints the prompt pieces too, then the generated text, then a newline
            String runc = c.get("runc_stdout").getAsString();
            assertEquals(runc.strip(), (c.get("prompt").getAsString() + g.text()).strip());
        }
    }

    @Test
    void cacheAndNoCacheAndBatchingAgree() {
        try (LanguageModel lm = open("hf")) {
            List<String> prompts = List.of("Once upon a time", "Lily", "The cat sat on the mat and");
            SamplingParams greedy = SamplingParams.greedy(24);
            List<Generation> batched = lm.generate(prompts, greedy, null);
            for (int i = 0; i < prompts.size(); i++) {
                Generation alone = lm.generate(prompts.get(i), greedy);
                Generation noCache = lm.generate(prompts.get(i), greedy.withCache(false));
                assertArrayEquals(alone.generatedIds(), batched.get(i).generatedIds(), "batched " + prompts.get(i));
                assertArrayEquals(alone.generatedIds(), noCache.generatedIds(), "no cache " + prompts.get(i));
            }
        }
    }

    @Test
    void seededSamplingRepeatsAndStopStringsCut() {
        try (LanguageModel lm = open("hf")) {
            SamplingParams p = new SamplingParams(40, 0.9, 40, 0.9, 1.1, 123, List.of(), true);
            Generation a = lm.generate("Once upon a time", p);
            Generation b = lm.generate("Once upon a time", p);
            assertArrayEquals(a.generatedIds(), b.generatedIds());
            Generation stopped = lm.generate("Once upon a time", SamplingParams.greedy(60).withStopStrings(List.of("Lily")));
            assertEquals(Generation.FinishReason.STOP_STRING, stopped.finishReason());
            assertEquals(", there was a little girl named ", stopped.text());
            StringBuilder streamed = new StringBuilder();
            Generation g = lm.generate(List.of("Once upon a time"), SamplingParams.greedy(30),
                    (seq, token, delta) -> streamed.append(delta)).get(0);
            assertEquals(g.text(), streamed.toString());
        }
    }

    private static float[] lastLogits(LanguageModel lm, int[] prompt) {
        try (NDManager m = lm.model().manager().newSubManager()) {
            long[] ids = Arrays.stream(prompt).asLongStream().toArray();
            NDArray logits = lm.model().forward(m.create(ids, new Shape(1, ids.length)), null, null, null);
            return logits.get("0, -1, :").toFloatArray();
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
