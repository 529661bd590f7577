package dev.jtune.data.preference;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.jtune.data.MalformedRecordException;
import dev.jtune.data.PreferencePair;
import dev.jtune.data.Problem;
import dev.jtune.data.Role;
import dev.jtune.data.Turn;
import dev.jtune.data.io.ChatMessages;
import dev.jtune.data.io.JsonFields;
import dev.jtune.data.io.RecordDecoder;

import java.util.ArrayList;
import java.util.List;

/** Decodes one JSON record of a given (or detected) {@link PreferenceFormat} into pairs. */
final class PreferenceDecoder implements RecordDecoder<PreferencePair> {

    private final PreferenceFormat format;

    PreferenceDecoder(PreferenceFormat format) {
        this.format = format;
    }

    @Override
    public List<PreferencePair> decode(JsonObject r) {
        PreferenceFormat f = format == PreferenceFormat.AUTO ? detect(r) : format;
        return switch (f) {
            case EXPLICIT -> List.of(new PreferencePair(prompt(r), reply(r, "chosen"), reply(r, "rejected"),
                    JsonFields.optionalNumber(r, "margin", 0.0)));
            case IMPLICIT -> List.of(implicit(r));
            case SHAREGPT -> List.of(shareGpt(r));
            case STACK_EXCHANGE -> List.of(new PreferencePair(List.of(Turn.user(JsonFields.requireText(r, "question"))),
                    JsonFields.requireText(r, "response_j"), JsonFields.requireText(r, "response_k")));
            case RANKED -> ranked(r);
            case AUTO -> throw new IllegalStateException("detect never answers AUTO");
        };
    }

    static PreferenceFormat detect(JsonObject r) {
        if (JsonFields.has(r, "conversations")) {
            return PreferenceFormat.SHAREGPT;
        }
        if (JsonFields.has(r, "question")) {
            return PreferenceFormat.STACK_EXCHANGE;
        }
        if (JsonFields.has(r, "responses")) {
            return PreferenceFormat.RANKED;
        }
        if (JsonFields.has(r, "prompt")) {
            return PreferenceFormat.EXPLICIT;
        }
        if (JsonFields.has(r, "chosen")) {
            return PreferenceFormat.IMPLICIT;
        }
        throw MalformedRecordException.of(Problem.UNKNOWN_FORMAT, "fields " + r.keySet() + " match no preference"
                + " format (expected prompt+chosen+rejected, chosen+rejected, conversations+chosen+rejected,"
                + " question+response_j+response_k, or prompt+responses)");
    }

    /** The prompt field as turns: a string is one user turn, an array is a message list. */
    private static List<Turn> prompt(JsonObject r) {
        if (JsonFields.has(r, "prompt") && r.get("prompt").isJsonArray()) {
            return ChatMessages.turns(r, "prompt");
        }
        return List.of(Turn.user(JsonFields.requireText(r, "prompt")));
    }

    /** A reply field: a string, one assistant message object, or a list holding one assistant message. */
    private static String reply(JsonObject r, String field) {
        if (!JsonFields.has(r, field)) {
            throw MalformedRecordException.of(Problem.MISSING_FIELD, "missing field '" + field + "'");
        }
        JsonElement e = r.get(field);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return JsonFields.requireText(r, field);
        }
        if (e.isJsonObject()) {
            return assistantText(ChatMessages.turn(e.getAsJsonObject(), field), field);
        }
        if (e.isJsonArray()) {
            List<Turn> turns = ChatMessages.turns(r, field);
            if (turns.size() != 1) {
                throw MalformedRecordException.of(Problem.INVALID,
                        "'" + field + "' must hold one assistant message, has " + turns.size());
            }
            return assistantText(turns.get(0), field);
        }
        throw MalformedRecordException.of(Problem.WRONG_TYPE, "field '" + field
                + "' must be a string, a message or a message list, got " + JsonFields.typeOf(e));
    }

    private static String assistantText(Turn turn, String field) {
        if (turn.role() != Role.ASSISTANT) {
            throw MalformedRecordException.of(Problem.INVALID,
                    "'" + field + "' must be an assistant message, is " + turn.role().id());
        }
        return turn.content();
    }

    private static PreferencePair implicit(JsonObject r) {
        JsonElement chosen = r.get("chosen");
        if (chosen != null && chosen.isJsonArray()) {
            return implicitMessages(ChatMessages.turns(r, "chosen"), ChatMessages.turns(r, "rejected"));
        }
        return HhTranscript.pair(JsonFields.requireText(r, "chosen"), JsonFields.requireText(r, "rejected"));
    }

    /** Two message lists that share every turn but the last, which must be the assistant's in both. */
    private static PreferencePair implicitMessages(List<Turn> chosen, List<Turn> rejected) {
        int shared = 0;
        while (shared < Math.min(chosen.size(), rejected.size()) && chosen.get(shared).equals(rejected.get(shared))) {
            shared++;
        }
        if (shared != chosen.size() - 1 || shared != rejected.size() - 1) {
            throw MalformedRecordException.of(Problem.INVALID, "'chosen' and 'rejected' must share all turns but the"
                    + " last (they share " + shared + " of " + chosen.size() + " and " + rejected.size() + ")");
        }
        return new PreferencePair(chosen.subList(0, shared), assistantText(chosen.get(shared), "chosen"),
                assistantText(rejected.get(shared), "rejected"));
    }

    private static PreferencePair shareGpt(JsonObject r) {
        List<Turn> prompt = new ArrayList<>();
        String system = JsonFields.optionalString(r, "system");
        if (!system.isBlank()) {
            prompt.add(Turn.system(system));
        }
        prompt.addAll(ChatMessages.turns(r, "conversations"));
        return new PreferencePair(prompt, reply(r, "chosen"), reply(r, "rejected"));
    }

    private static List<PreferencePair> ranked(JsonObject r) {
        List<Turn> prompt = prompt(r);
        JsonArray array = JsonFields.requireArray(r, "responses");
        if (array.size() < 2) {
            throw MalformedRecordException.of(Problem.INVALID, "'responses' needs at least 2 entries to rank, has 1");
        }
        List<String> responses = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonElement e = array.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw MalformedRecordException.of(Problem.WRONG_TYPE,
                        "responses[" + i + "] must be a string, got " + JsonFields.typeOf(e));
            }
            if (e.getAsString().isBlank()) {
                throw MalformedRecordException.of(Problem.EMPTY, "responses[" + i + "] is empty");
            }
            responses.add(e.getAsString());
        }
        List<PreferencePair> pairs = new ArrayList<>(responses.size() * (responses.size() - 1) / 2);
        for (int better = 0; better < responses.size(); better++) {
            for (int worse = better + 1; worse < responses.size(); worse++) {
                pairs.add(new PreferencePair(prompt, responses.get(better), responses.get(worse)));
            }
        }
        return pairs;
    }
}
