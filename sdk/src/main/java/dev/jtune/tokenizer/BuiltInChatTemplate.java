package dev.jtune.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The chat formats jtune knows without a Jinja template. */
enum BuiltInChatTemplate implements ChatTemplate {

    /** Meta's LLaMA-3 format; contents are trimmed, as Meta's template does. */
    LLAMA3 {
        @Override
        public List<ChatSegment> renderSegments(List<Message> messages, boolean addGenerationPrompt) {
            Segments out = new Segments();
            out.prompt("<|begin_of_text|>");
            for (Message m : messages) {
                out.prompt("<|start_header_id|>" + m.role() + "<|end_header_id|>\n\n");
                out.turn(m, JinjaValues.trim(m.content()) + "<|eot_id|>");
            }
            if (addGenerationPrompt) {
                out.prompt("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            return out.list;
        }
    },

    /** ChatML, as used by Qwen and others. */
    CHATML {
        @Override
        public List<ChatSegment> renderSegments(List<Message> messages, boolean addGenerationPrompt) {
            Segments out = new Segments();
            for (Message m : messages) {
                out.prompt("<|im_start|>" + m.role() + "\n");
                out.turn(m, m.content() + "<|im_end|>");
                out.prompt("\n");
            }
            if (addGenerationPrompt) {
                out.prompt("<|im_start|>assistant\n");
            }
            return out.list;
        }
    },

    /**
     * Stanford Alpaca's prompt: a preamble (a leading system message replaces it), then "### Instruction:" for user
     * turns and "### Response:" for assistant turns, separated by blank lines.
     */
    ALPACA {
        private static final String PREAMBLE = "Below is an instruction that describes a task. "
                + "Write a response that appropriately completes the request.";
        private static final Set<String> ROLES = Set.of("user", "assistant");

        @Override
        public List<ChatSegment> renderSegments(List<Message> messages, boolean addGenerationPrompt) {
            Segments out = new Segments();
            int first = 0;
            if (!messages.isEmpty() && messages.get(0).role().equals("system")) {
                out.prompt(messages.get(0).content());
                first = 1;
            } else {
                out.prompt(PREAMBLE);
            }
            for (Message m : messages.subList(first, messages.size())) {
                if (!ROLES.contains(m.role())) {
                    throw new IllegalArgumentException("alpaca template: role '" + m.role()
                            + "' (a system message may only come first)");
                }
                if (m.role().equals("user")) {
                    out.prompt("\n\n### Instruction:\n" + m.content());
                } else {
                    out.prompt("\n\n### Response:\n");
                    out.turn(m, m.content());
                }
            }
            if (addGenerationPrompt) {
                out.prompt("\n\n### Response:\n");
            }
            return out.list;
        }
    };

    /** Collects segments, merging neighbours of the same kind. */
    private static final class Segments {
        final List<ChatSegment> list = new ArrayList<>();

        void prompt(String text) {
            add(text, false);
        }

        /** The body of a turn: assistant text for assistant messages, prompt text for the others. */
        void turn(Message m, String text) {
            add(text, m.role().equals("assistant"));
        }

        private void add(String text, boolean assistant) {
            if (text.isEmpty()) {
                return;
            }
            int last = list.size() - 1;
            if (last >= 0 && list.get(last).assistant() == assistant) {
                list.set(last, new ChatSegment(list.get(last).text() + text, assistant));
            } else {
                list.add(new ChatSegment(text, assistant));
            }
        }
    }
}
