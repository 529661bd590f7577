package dev.jtune.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Jinja's (Python's) view of Java values: String, Long, Boolean, null (None), List, Map, and Undefined. */
final class JinjaValues {

    /** What an unknown variable or key evaluates to: renders as "", is false, and is not "defined". */
    static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "Undefined";
        }
    };

    private JinjaValues() {
    }

    static boolean truthy(Object v) {
        if (v == null || v == UNDEFINED) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof CharSequence s) {
            return !s.isEmpty();
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** The text {@code {{ v }}} prints. */
    static String str(Object v) {
        if (v == UNDEFINED) {
            return "";
        }
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return v.toString();
    }

    static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return a == null ? b == null : a.equals(b);
    }

    /** Python's {@code str.strip()}: white space is any Unicode space or separator, not only ASCII. */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** {@code a + b}: numbers add, strings and lists concatenate. */
    static Object plus(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return x + y;
        }
        if (a instanceof String x && b instanceof String y) {
            return x + y;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            return concat(x, y); // may hold None items, which List.copyOf rejects
        }
        throw new IllegalArgumentException("cannot add " + typeName(a) + " and " + typeName(b));
    }

    private static List<Object> concat(List<?> x, List<?> y) {
        List<Object> out = new ArrayList<>(x);
        out.addAll(y);
        return out;
    }

    static long number(Object v) {
        if (v instanceof Long n) {
            return n;
        }
        throw new IllegalArgumentException("expected an integer, got " + typeName(v));
    }

    static String typeName(Object v) {
        if (v == UNDEFINED) {
            return "undefined";
        }
        return v == null ? "none" : v.getClass().getSimpleName();
    }
}
