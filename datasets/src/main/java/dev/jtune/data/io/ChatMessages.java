package dev.jtune.data.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.jtune.data.MalformedRecordException;
import dev.jtune.data.Problem;
import dev.jtune.data.Role;
import dev.jtune.data.Turn;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads chat messages as chat data writes them ({@code {role, content}}) or as ShareGPT writes them
 * ({@code {from, value}}, with {@code human}/{@code gpt}/{@code system}).
 */
public final class ChatMessages {

    private ChatMessages() {
    }

    /**
     * The turns of a non-empty message array field. User and assistant turns must have text; an empty system
     * turn is left out.
     */
    public static List<Turn> turns(JsonObject record, String field) {
        JsonArray array = JsonFields.requireArray(record, field);
        List<Turn> turns = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String where = field + "[" + i + "]";
            Turn turn = turn(JsonFields.asObject(array.get(i), where), where);
            if (turn.role() != Role.SYSTEM || !turn.content().isBlank()) {
                turns.add(turn);
            }
        }
        return turns;
    }

    /** One message; {@code where} names it in messages, e.g. {@code messages[2]} or {@code chosen}. */
    public static Turn turn(JsonObject message, String where) {
        boolean shareGpt = JsonFields.has(message, "from");
        String roleKey = shareGpt ? "from" : "role";
        String contentKey = shareGpt ? "value" : "content";
        String roleName;
        String content;
        try {
            roleName = JsonFields.requireString(message, roleKey);
            content = JsonFields.requireString(message, contentKey);
        } catch (MalformedRecordException e) {
            throw MalformedRecordException.of(e.problem(), where + ": " + e.detail());
        }
        Role role;
        try {
            role = Role.parse(roleName);
        } catch (IllegalArgumentException e) {
            throw MalformedRecordException.of(Problem.INVALID, where + ": " + e.getMessage());
        }
        if (role != Role.SYSTEM && content.isBlank()) {
            throw MalformedRecordException.of(Problem.EMPTY, where + ": field '" + contentKey + "' is empty");
        }
        return new Turn(role, content);
    }
}
