package dev.jtune.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chat template given as Jinja source. Assistant spans are found by rendering prefixes of the conversation: the
 * reply of message i starts where the messages before it, rendered with the generation prompt, end, and ends where
 * messages 0..i, rendered without it, end. Templates that append text after the last message whatever it is (Meta's
 * original LLaMA-3 template always appends the assistant header) are handled by removing what the template renders
 * for an empty conversation from the end of that prefix.
 */
final class JinjaChatTemplate implements ChatTemplate {

    private final JinjaTemplate template;
    private final String bosToken;
    private final String eosToken;

    JinjaChatTemplate(JinjaTemplate template, String bosToken, String eosToken) {
        this.template = template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
    }

    @Override
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            maps.add(map);
        }
        Map<String, Object> globals = new HashMap<>();
        globals.put("messages", maps);
        globals.put("add_generation_prompt", addGenerationPrompt);
        globals.put("bos_token", bosToken == null ? "" : bosToken);
        globals.put("eos_token", eosToken == null ? "" : eosToken);
        globals.put("raise_exception", (JinjaExpr.Function) args -> {
            throw new IllegalArgumentException("chat template: " + (args.isEmpty() ? "error"
                    : JinjaValues.str(args.get(0))));
        });
        return template.render(globals);
    }

    /** @throws IllegalStateException when the template does not render conversations prefix by prefix */
    @Override
    public List<ChatSegment> renderSegments(List<Message> messages, boolean addGenerationPrompt) {
        String full = render(messages, addGenerationPrompt);
        String trailer = render(List.of(), false);
        List<ChatSegment> out = new ArrayList<>();
        int done = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (!messages.get(i).role().equals("assistant")) {
                continue;
            }
            String prompt = render(messages.subList(0, i), true);
            String through = render(messages.subList(0, i + 1), false);
            if (!trailer.isEmpty() && through.endsWith(trailer)
                    && full.startsWith(through.substring(0, through.length() - trailer.length()))) {
                through = through.substring(0, through.length() - trailer.length());
            }
            if (!full.startsWith(prompt) || !full.startsWith(through) || prompt.length() < done
                    || through.length() < prompt.length()) {
                throw new IllegalStateException("this chat template does not render conversations prefix by prefix,"
                        + " so the span of assistant message " + i + " is unknown; use a built-in template");
            }
            add(out, full.substring(done, prompt.length()), false);
            add(out, full.substring(prompt.length(), through.length()), true);
            done = through.length();
        }
        add(out, full.substring(done), false);
        return out;
    }

    private static void add(List<ChatSegment> out, String text, boolean assistant) {
        if (!text.isEmpty()) {
            out.add(new ChatSegment(text, assistant));
        }
    }
}
