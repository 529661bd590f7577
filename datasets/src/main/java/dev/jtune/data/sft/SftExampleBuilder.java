package dev.jtune.data.sft;

import dev.jtune.data.Conversation;
import dev.jtune.data.PromptCompletion;
import dev.jtune.data.SftRecord;
import dev.jtune.data.TextDocument;
import dev.jtune.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Tokenizes SFT records into {@link SftExample}s with the prompt masked out of the labels.
 * <ul>
 *   <li>a {@link Conversation} is rendered by the {@link ChatRenderer} and each segment tokenized without special
 *       tokens; BOS is put first when the rendered text lacks it, EOS after each reply when the template has no
 *       end-of-turn marker; only trained segments (assistant content and its end of turn) get labels;</li>
 *   <li>a {@link PromptCompletion} is the prompt encoded as the tokenizer does by default (BOS where it adds one),
 *       then the completion without special tokens, then EOS; the completion and EOS get labels;</li>
 *   <li>a {@link TextDocument} is encoded by default then EOS, all of it labelled.</li>
 * </ul>
 * With {@link SftOptions#trainOnPrompt()} every token gets its label.
 */
public final class SftExampleBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(SftExampleBuilder.class);

    private final Tokenizer tokenizer;
    private final ChatRenderer renderer;
    private final SftOptions options;

    /**
     * @param tokenizer text to ids
     * @param renderer  the chat template, or null when no record is a conversation
     * @param options   maximum length and what to train on
     */
    public SftExampleBuilder(Tokenizer tokenizer, ChatRenderer renderer, SftOptions options) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.renderer = renderer;
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The whole example for one record, not truncated. */
    public SftExample encode(SftRecord record) {
        Ids ids = new Ids();
        if (record instanceof Conversation c) {
            if (renderer == null) {
                throw new IllegalStateException("a conversation needs a ChatRenderer, and none was given");
            }
            int bos = tokenizer.specialTokens().bos();
            boolean first = true;
            for (Segment s : renderer.render(c)) {
                int[] tokens = tokenizer.encodeRaw(s.text());
                if (first && bos >= 0 && (tokens.length == 0 || tokens[0] != bos)) {
                    ids.add(new int[] {bos}, false); // the template's text did not begin with BOS
                }
                first = false;
                ids.add(tokens, s.trained());
                if (s.trained() && !renderer.endsTurns()) {
                    ids.add(new int[] {eos()}, true);
                }
            }
        } else if (record instanceof PromptCompletion pc) {
            ids.add(tokenizer.encode(pc.prompt()), false);
            ids.add(tokenizer.encodeRaw(pc.completion()), true);
            ids.add(new int[] {eos()}, true);
        } else {
            ids.add(tokenizer.encode(((TextDocument) record).text()), true);
            ids.add(new int[] {eos()}, true);
        }
        return ids.toExample();
    }

    /**
     * Examples for every record, cut to the maximum length, leaving out those with nothing left to train on.
     */
    public SftBuildResult buildAll(Iterable<? extends SftRecord> records) {
        List<SftExample> examples = new ArrayList<>();
        int truncated = 0;
        int dropped = 0;
        for (SftRecord record : records) {
            SftExample full = encode(record);
            SftExample example = full.truncate(options.maxLength());
            if (example != full) {
                truncated++;
            }
            if (example.trainedTokens() == 0) {
                dropped++;
            } else {
                examples.add(example);
            }
        }
        LOG.info("built {} SFT examples (max length {}): {} truncated, {} dropped with no trained tokens left",
                examples.size(), options.maxLength(), truncated, dropped);
        return new SftBuildResult(examples, truncated, dropped);
    }

    private int eos() {
        List<Integer> eos = tokenizer.specialTokens().eos();
        if (eos.isEmpty()) {
            throw new IllegalStateException("the tokenizer has no EOS token to end a completion with");
        }
        return eos.get(0);
    }

    /** Ids and labels growing together. */
    private final class Ids {
        private int[] ids = new int[256];
        private int[] labels = new int[256];
        private int size;

        void add(int[] tokens, boolean trained) {
            if (size + tokens.length > ids.length) {
                int capacity = Math.max(ids.length * 2, size + tokens.length);
                ids = Arrays.copyOf(ids, capacity);
                labels = Arrays.copyOf(labels, capacity);
            }
            boolean labelled = trained || options.trainOnPrompt();
            for (int token : tokens) {
                ids[size] = token;
                labels[size] = labelled ? token : SftExample.IGNORE;
                size++;
            }
        }

        SftExample toExample() {
            return new SftExample(Arrays.copyOf(ids, size), Arrays.copyOf(labels, size));
        }
    }
}
