package dev.jtune.align;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.io.Checkpoint;
import dev.jtune.io.Checkpoints;
import dev.jtune.lora.LoraModel;
import dev.jtune.lora.PeftAdapters;
import dev.jtune.model.LlamaModel;
import dev.jtune.tokenizer.ChatSegment;
import dev.jtune.tokenizer.ChatTemplate;
import dev.jtune.tokenizer.HfTokenizer;
import dev.jtune.tokenizer.Message;
import dev.jtune.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A trained reward model for applications: the base model, the reward adapter and its {@code score} head, and the
 * tokenizer. A (prompt, response) pair is rendered as the reward recipe trains on it, a user turn then an assistant
 * turn through the chat template, and scored by its {@link RewardHead}: the score head at its last token, plus the
 * likelihood term when the adapter has one.
 * <pre>{@code
 * try (RewardModel rm = RewardModel.load(Path.of("base"), Path.of("runs/rm/final"))) {
 *     float r = rm.score("How do I bake bread?", "Mix flour, water, salt and yeast, ...");
 * }
 * }</pre>
 */
public final class RewardModel implements AutoCloseable {

    /** Sequences scored in one forward pass by {@link #scoreTokens}. */
    static final int SCORE_BATCH = 64;

    /** The adapter name the reward adapter is loaded under. */
    public static final String ADAPTER = "default";

    private final LlamaModel model;
    private final LoraModel lora;
    private final RewardHead head;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final boolean templateEndsTurns;

    /**
     * Assembles a reward model from loaded parts and takes ownership of them (closing it closes them).
     *
     * @param lora              the adapters over {@code model}, the reward adapter active; null for none
     * @param templateEndsTurns whether the template writes its own end of turn after a reply; when it does not
     *                          (alpaca), EOS is appended, as SFT and the reward recipe do
     */
    public RewardModel(LlamaModel model, LoraModel lora, RewardHead head, Tokenizer tokenizer, ChatTemplate template,
                       boolean templateEndsTurns) {
        if (head.score().weight().getShape().get(1) != model.config().hiddenSize()) {
            throw new IllegalArgumentException("score head is " + head.score().weight().getShape()
                    + " but the model's hidden size is " + model.config().hiddenSize());
        }
        this.model = model;
        this.lora = lora;
        this.head = head;
        this.tokenizer = tokenizer;
        this.template = template;
        this.templateEndsTurns = templateEndsTurns;
        if (lora != null) {
            lora.setTraining(false);
        }
    }

    /** Loads an HF model directory (with its tokenizer and chat template, else alpaca) and a reward adapter, on the CPU. */
    public static RewardModel load(Path model, Path adapter) throws IOException {
        return load(model, null, adapter, null, Device.cpu());
    }

    /**
     * Loads a base model and a reward adapter directory (a PEFT adapter with {@code modules_to_save: ["score"]}, and
     * {@value RewardHead#CONFIG_FILE} when it has a likelihood term).
     *
     * @param tokenizer a tokenizer.json or its directory; null for the model directory's own
     * @param template  the built-in template the adapter was trained with (llama3, chatml, alpaca); null for the
     *                  model's own chat template, or alpaca when it has none (the reward recipe's rule)
     */
    public static RewardModel load(Path model, Path tokenizer, Path adapter, String template, Device device)
            throws IOException {
        Path tokenizerPath = tokenizer != null ? tokenizer : model;
        Tokenizer tok = HfTokenizer.load(tokenizerPath);
        LlamaModel llama = null;
        LoraModel lora = null;
        try (Checkpoint checkpoint = Checkpoints.open(model)) {
            llama = LlamaModel.load(checkpoint.config(), checkpoint.tensors(), device);
            lora = LoraModel.wrap(llama);
            PeftAdapters.load(lora, adapter, ADAPTER);
            RewardHead head = RewardHead.load(adapter, llama.config().hiddenSize(), llama.manager(), false);
            Path tokenizerDir = Files.isDirectory(tokenizerPath) ? tokenizerPath : tokenizerPath.getParent();
            boolean builtIn = template != null || !hasChatTemplate(tokenizerDir);
            String name = template != null ? template : "alpaca";
            ChatTemplate chat = builtIn ? ChatTemplate.builtIn(name) : ChatTemplate.fromDirectory(tokenizerDir);
            return new RewardModel(llama, lora, head, tok, chat,
                    !builtIn || !name.equalsIgnoreCase("alpaca"));
        } catch (IOException | RuntimeException e) {
            if (lora != null) {
                lora.close();
            }
            if (llama != null) {
                llama.close();
            }
            tok.close();
            throw e;
        }
    }

    private static boolean hasChatTemplate(Path dir) {
        try {
            ChatTemplate.fromDirectory(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The reward of {@code response} to {@code prompt}. */
    public float score(String prompt, String response) {
        return score(List.of(prompt), List.of(response))[0];
    }

    /** The rewards of {@code responses[i]} to {@code prompts[i]}, scored as one batch. */
    public float[] score(List<String> prompts, List<String> responses) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " responses");
        }
        List<int[]> sequences = new ArrayList<>();
        int[] replyStarts = new int[prompts.size()];
        for (int i = 0; i < prompts.size(); i++) {
            Encoded e = encodePair(prompts.get(i), responses.get(i));
            sequences.add(e.ids());
            replyStarts[i] = e.replyStart();
        }
        return scoreTokens(sequences, replyStarts);
    }

    /**
     * The rewards of already tokenized sequences (e.g. a policy's samples), each read at its last token. They are
     * scored {@value #SCORE_BATCH} at a time, right-padded to the longest of each batch, so that memory stays bounded
     * however many are passed.
     *
     * @param replyStarts where each sequence's reply begins: the tokens the likelihood term averages over
     */
    public float[] scoreTokens(List<int[]> sequences, int[] replyStarts) {
        if (replyStarts.length != sequences.size()) {
            throw new IllegalArgumentException(sequences.size() + " sequences but " + replyStarts.length
                    + " reply starts");
        }
        float[] scores = new float[sequences.size()];
        for (int from = 0; from < sequences.size(); from += SCORE_BATCH) {
            int to = Math.min(sequences.size(), from + SCORE_BATCH);
            float[] part = scoreBatch(sequences.subList(from, to), Arrays.copyOfRange(replyStarts, from, to), from);
            System.arraycopy(part, 0, scores, from, part.length);
        }
        return scores;
    }

    /** One right-padded batch of {@link #scoreTokens}; {@code offset} numbers the sequences in error messages. */
    private float[] scoreBatch(List<int[]> sequences, int[] replyStarts, int offset) {
        int b = sequences.size();
        int t = sequences.stream().mapToInt(s -> s.length).max().orElse(0);
        long[] ids = new long[b * t];
        int[] last = new int[b];
        int[][] labels = new int[b][t];
        for (int i = 0; i < b; i++) {
            int[] s = sequences.get(i);
            if (s.length == 0) {
                throw new IllegalArgumentException("sequence " + (offset + i) + " is empty");
            }
            if (replyStarts[i] < 0 || replyStarts[i] > s.length) {
                throw new IllegalArgumentException("sequence " + (offset + i) + " has " + s.length
                        + " tokens but its reply starts at " + replyStarts[i]);
            }
            Arrays.fill(labels[i], CausalLmLoss.IGNORE);
            for (int j = 0; j < s.length; j++) {
                ids[i * t + j] = s[j];
                if (j >= replyStarts[i]) {
                    labels[i][j] = s[j];
                }
            }
            last[i] = s.length - 1;
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray tokens = scope.create(ids, new ai.djl.ndarray.types.Shape(b, t));   // (B, T)
            NDArray hidden = model.hidden(tokens, null, null, null);                     // (B, T, D)
            return head.rewards(model, hidden, last, labels).toFloatArray();             // (B)
        }
    }

    /**
     * The token ids of a (prompt, response) pair: the chat template's segments tokenized one by one without special
     * tokens, BOS first when the rendered text lacks it, EOS after the reply when the template has no end of turn.
     * The same ids as the datasets module's SFT example builder gives for that conversation.
     */
    public int[] encode(String prompt, String response) {
        return encodePair(prompt, response).ids();
    }

    /** A pair's token ids and the index of the reply's first token. */
    private record Encoded(int[] ids, int replyStart) {
    }

    private Encoded encodePair(String prompt, String response) {
        List<Message> messages = List.of(new Message("user", prompt), new Message("assistant", response));
        List<Integer> ids = new ArrayList<>();
        int bos = tokenizer.specialTokens().bos();
        boolean first = true;
        int replyStart = -1;
        for (ChatSegment segment : template.renderSegments(messages, false)) {
            int[] tokens = tokenizer.encodeRaw(segment.text());
            if (first && bos >= 0 && (tokens.length == 0 || tokens[0] != bos)) {
                ids.add(bos);
            }
            first = false;
            if (segment.assistant() && replyStart < 0) {
                replyStart = ids.size();
            }
            for (int token : tokens) {
                ids.add(token);
            }
            if (segment.assistant() && !templateEndsTurns) {
                List<Integer> eos = tokenizer.specialTokens().eos();
                if (eos.isEmpty()) {
                    throw new IllegalStateException("the tokenizer has no EOS token to end a reply with");
                }
                ids.add(eos.get(0));
            }
        }
        int[] tokens = ids.stream().mapToInt(Integer::intValue).toArray();
        return new Encoded(tokens, replyStart < 0 ? tokens.length : replyStart);
    }

    public LlamaModel model() {
        return model;
    }

    public RewardHead head() {
        return head;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        if (lora != null) {
            lora.close();
        }
        model.close();
        tokenizer.close();
    }
}
