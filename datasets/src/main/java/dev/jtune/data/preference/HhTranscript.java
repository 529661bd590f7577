package dev.jtune.data.preference;

import dev.jtune.data.MalformedRecordException;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.Problem;
import dev.jtune.data.Turn;

import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic hh-rlhf transcripts: "\n\nHuman: ...\n\nAssistant: ..." with no separate prompt. The prompt is the
 * longest prefix the chosen and rejected transcripts share that ends with "\n\nAssistant:"; what follows is each
 * final reply. Taking the shared prefix, not simply the last "\n\nAssistant:", matters: some replies in the data
 * contain "\n\nAssistant:" themselves, and some are empty.
 */
final class HhTranscript {

    static final String HUMAN = "\n\nHuman:";
    static final String ASSISTANT = "\n\nAssistant:";

    private HhTranscript() {
    }

    /** The pair of two transcripts: the shared prompt parsed into turns, and the two final replies stripped. */
    static PreferencePair pair(String chosen, String rejected) {
        int common = 0;
        int limit = Math.min(chosen.length(), rejected.length());
        while (common < limit && chosen.charAt(common) == rejected.charAt(common)) {
            common++;
        }
        int cut = chosen.lastIndexOf(ASSISTANT, common - ASSISTANT.length());
        if (common < ASSISTANT.length() || cut < 0) {
            throw MalformedRecordException.of(Problem.INVALID,
                    "'chosen' and 'rejected' share no prompt ending in \"\\n\\nAssistant:\"");
        }
        int end = cut + ASSISTANT.length();
        return new PreferencePair(turns(chosen.substring(0, cut)), chosen.substring(end).strip(),
                rejected.substring(end).strip());
    }

    /**
     * The turns of a transcript that starts with a Human turn (leading whitespace allowed). A few transcripts have
     * two turns of the same speaker in a row; they are merged, joined by a blank line, so turns alternate as chat
     * templates expect.
     */
    static List<Turn> turns(String transcript) {
        String text = "\n\n" + transcript.stripLeading();
        if (!text.startsWith(HUMAN)) {
            throw MalformedRecordException.of(Problem.INVALID, "the transcript does not start with \"Human:\"");
        }
        List<Turn> turns = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            boolean human = text.startsWith(HUMAN, at);
            int from = at + (human ? HUMAN : ASSISTANT).length();
            int nextHuman = text.indexOf(HUMAN, from);
            int nextAssistant = text.indexOf(ASSISTANT, from);
            int next = nextHuman < 0 ? nextAssistant : nextAssistant < 0 ? nextHuman : Math.min(nextHuman,
                    nextAssistant);
            int to = next < 0 ? text.length() : next;
            String content = text.substring(from, to).strip();
            Turn turn = human ? Turn.user(content) : Turn.assistant(content);
            Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
            if (last != null && last.role() == turn.role()) {
                turns.set(turns.size() - 1, new Turn(turn.role(), last.content() + "\n\n" + content));
            } else {
                turns.add(turn);
            }
            at = to;
        }
        return turns;
    }
}
