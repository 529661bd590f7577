package dev.jtune.data.sft;

import com.google.gson.JsonObject;
import dev.jtune.data.Conversation;
import dev.jtune.data.MalformedRecordException;
import dev.jtune.data.Problem;
import dev.jtune.data.PromptCompletion;
import dev.jtune.data.Role;
import dev.jtune.data.SftRecord;
import dev.jtune.data.TextDocument;
import dev.jtune.data.Turn;
import dev.jtune.data.io.ChatMessages;
import dev.jtune.data.io.JsonFields;
import dev.jtune.data.io.RecordDecoder;

import java.util.ArrayList;
import java.util.List;

/** Decodes one JSON record of a given (or detected) {@link SftFormat}. */
final class SftDecoder implements RecordDecoder<SftRecord> {

    private static final String[] COMPLETION_FIELDS = {"completion", "answer", "response"};

    private final SftFormat format;

    SftDecoder(SftFormat format) {
        this.format = format;
    }

    @Override
    public List<SftRecord> decode(JsonObject r) {
        SftFormat f = format == SftFormat.AUTO ? detect(r) : format;
        SftRecord record = switch (f) {
            case ALPACA -> instruction(r, "input", "output");
            case DOLLY -> instruction(r, "context", "response");
            case CHAT -> conversation(r, "messages");
            case SHAREGPT -> conversation(r, "conversations");
            case PROMPT_COMPLETION -> promptCompletion(r);
            case TEXT -> new TextDocument(JsonFields.requireText(r, "text"));
            case AUTO -> throw new IllegalStateException("detect never answers AUTO");
        };
        return List.of(record);
    }

    /** The format a record's fields say; {@code instruction} wins over {@code text}, which Alpaca files also carry. */
    static SftFormat detect(JsonObject r) {
        if (JsonFields.has(r, "messages")) {
            return SftFormat.CHAT;
        }
        if (JsonFields.has(r, "conversations")) {
            return SftFormat.SHAREGPT;
        }
        if (JsonFields.has(r, "instruction")) {
            return JsonFields.has(r, "response") && !JsonFields.has(r, "output") ? SftFormat.DOLLY : SftFormat.ALPACA;
        }
        if (JsonFields.has(r, "prompt")) {
            return SftFormat.PROMPT_COMPLETION;
        }
        if (JsonFields.has(r, "text")) {
            return SftFormat.TEXT;
        }
        throw MalformedRecordException.of(Problem.UNKNOWN_FORMAT, "fields " + r.keySet() + " match no SFT format"
                + " (expected messages, conversations, instruction+output, instruction+response, prompt+completion"
                + " or text)");
    }

    private static Conversation instruction(JsonObject r, String inputField, String outputField) {
        String instruction = JsonFields.requireText(r, "instruction");
        String input = JsonFields.optionalString(r, inputField);
        String user = input.isBlank() ? instruction : instruction + "\n\n" + input;
        List<Turn> turns = new ArrayList<>(3);
        String system = JsonFields.optionalString(r, "system");
        if (!system.isBlank()) {
            turns.add(Turn.system(system));
        }
        turns.add(Turn.user(user));
        turns.add(Turn.assistant(JsonFields.requireText(r, outputField)));
        return new Conversation(turns);
    }

    private static Conversation conversation(JsonObject r, String field) {
        List<Turn> turns = new ArrayList<>();
        String system = JsonFields.optionalString(r, "system");
        if (!system.isBlank()) {
            turns.add(Turn.system(system));
        }
        turns.addAll(ChatMessages.turns(r, field));
        if (turns.stream().noneMatch(t -> t.role() == Role.ASSISTANT)) {
            throw MalformedRecordException.of(Problem.INVALID, "'" + field + "' has no assistant turn to train on");
        }
        return new Conversation(turns);
    }

    private static PromptCompletion promptCompletion(JsonObject r) {
        String prompt = JsonFields.requireText(r, "prompt");
        String field = JsonFields.firstPresent(r, COMPLETION_FIELDS);
        if (field == null) {
            throw MalformedRecordException.of(Problem.MISSING_FIELD,
                    "missing field 'completion' (or 'answer' or 'response') next to 'prompt'");
        }
        return new PromptCompletion(prompt, JsonFields.requireText(r, field));
    }
}
