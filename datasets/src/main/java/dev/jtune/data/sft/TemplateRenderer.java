package dev.jtune.data.sft;

import dev.jtune.data.Conversation;
import dev.jtune.data.Turn;
import dev.jtune.tokenizer.ChatSegment;
import dev.jtune.tokenizer.ChatTemplate;
import dev.jtune.tokenizer.Message;

import java.util.ArrayList;
import java.util.List;

/** A {@link ChatRenderer} over one of the SDK's chat templates: assistant content is what gets trained. */
public final class TemplateRenderer implements ChatRenderer {

    private final ChatTemplate template;
    private final boolean endsTurns;

    /**
     * @param endsTurns whether the template writes its own end-of-turn marker after each assistant reply
     *                  (llama3, chatml and most model templates do; alpaca does not, so EOS is appended)
     */
    public TemplateRenderer(ChatTemplate template, boolean endsTurns) {
        this.template = template;
        this.endsTurns = endsTurns;
    }

    /** The built-in template {@code name} (llama3, chatml or alpaca). */
    public static TemplateRenderer builtIn(String name) {
        return new TemplateRenderer(ChatTemplate.builtIn(name), !name.equalsIgnoreCase("alpaca"));
    }

    @Override
    public List<Segment> render(Conversation conversation) {
        List<Message> messages = new ArrayList<>();
        for (Turn t : conversation.turns()) {
            messages.add(new Message(t.role().id(), t.content()));
        }
        List<Segment> out = new ArrayList<>();
        for (ChatSegment s : template.renderSegments(messages, false)) {
            out.add(new Segment(s.text(), s.assistant()));
        }
        return out;
    }

    @Override
    public boolean endsTurns() {
        return endsTurns;
    }
}
