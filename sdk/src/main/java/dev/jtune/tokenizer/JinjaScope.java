package dev.jtune.tokenizer;

import java.util.HashMap;
import java.util.Map;

/** Variables of a template run. A for loop gives each iteration a child scope, so {@code set} inside a loop does
 * not leak out, as in Jinja. */
final class JinjaScope {

    private final Map<String, Object> vars = new HashMap<>();
    private final JinjaScope parent;

    JinjaScope(JinjaScope parent) {
        this.parent = parent;
    }

    Object get(String name) {
        for (JinjaScope s = this; s != null; s = s.parent) {
            if (s.vars.containsKey(name)) {
                return s.vars.get(name);
            }
        }
        return JinjaValues.UNDEFINED;
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
