package dev.jtune.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A Jinja expression of the chat-template subset, evaluated against a {@link JinjaScope}. */
sealed interface JinjaExpr {

    Object eval(JinjaScope scope);

    /** A function a template may call, such as {@code raise_exception}. */
    @FunctionalInterface
    interface Function {
        Object call(List<Object> args);
    }

    record Literal(Object value) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            return value;
        }
    }

    record ListLiteral(List<JinjaExpr> items) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            List<Object> out = new ArrayList<>();
            items.forEach(e -> out.add(e.eval(scope)));
            return out;
        }
    }

    record Variable(String name) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            return scope.get(name);
        }
    }

    /** {@code x.name} and {@code x[key]}: map keys and list indices (negative from the end). */
    record Item(JinjaExpr target, JinjaExpr key) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            Object t = target.eval(scope);
            Object k = key.eval(scope);
            if (t instanceof Map<?, ?> map) {
                return map.containsKey(k) ? map.get(k) : JinjaValues.UNDEFINED;
            }
            if (t instanceof List<?> list && k instanceof Long index) {
                long i = index < 0 ? list.size() + index : index;
                return i >= 0 && i < list.size() ? list.get((int) i) : JinjaValues.UNDEFINED;
            }
            if (t instanceof String s && k instanceof Long index) {
                long i = index < 0 ? s.length() + index : index;
                return i >= 0 && i < s.length() ? String.valueOf(s.charAt((int) i)) : JinjaValues.UNDEFINED;
            }
            throw new IllegalArgumentException("cannot look up " + JinjaValues.str(k) + " in "
                    + JinjaValues.typeName(t));
        }
    }

    record Call(JinjaExpr function, List<JinjaExpr> args) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            Object f = function.eval(scope);
            if (!(f instanceof Function fn)) {
                throw new IllegalArgumentException("not a function: " + function);
            }
            List<Object> values = new ArrayList<>();
            args.forEach(a -> values.add(a.eval(scope)));
            return fn.call(values);
        }
    }

    /** {@code x | trim}, {@code | length}, {@code | lower}, {@code | upper}, {@code | string}. */
    record Filter(JinjaExpr value, String name) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            Object v = value.eval(scope);
            return switch (name) {
                case "trim" -> JinjaValues.trim(JinjaValues.str(v));
                case "lower" -> JinjaValues.str(v).toLowerCase(java.util.Locale.ROOT);
                case "upper" -> JinjaValues.str(v).toUpperCase(java.util.Locale.ROOT);
                case "string" -> JinjaValues.str(v);
                case "length" -> (long) (v instanceof Collection<?> c ? c.size()
                        : v instanceof Map<?, ?> m ? m.size() : JinjaValues.str(v).length());
                default -> throw new IllegalArgumentException("unsupported filter: " + name);
            };
        }
    }

    /** {@code x is [not] defined} and {@code x is [not] none}. */
    record Test(JinjaExpr value, String name, boolean negated) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            Object v = value.eval(scope);
            boolean result = switch (name) {
                case "defined" -> v != JinjaValues.UNDEFINED;
                case "none" -> v == null;
                case "string" -> v instanceof String;
                default -> throw new IllegalArgumentException("unsupported test: " + name);
            };
            return result != negated;
        }
    }

    record Not(JinjaExpr value) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            return !JinjaValues.truthy(value.eval(scope));
        }
    }

    record Negate(JinjaExpr value) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            return -JinjaValues.number(value.eval(scope));
        }
    }

    /** {@code then if condition else otherwise}; a missing else gives Undefined. */
    record Conditional(JinjaExpr then, JinjaExpr condition, JinjaExpr otherwise) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            return JinjaValues.truthy(condition.eval(scope)) ? then.eval(scope) : otherwise.eval(scope);
        }
    }

    /** and, or (short-circuit, returning an operand as Python does), comparisons, in, +, -, ~. */
    record Binary(String op, JinjaExpr left, JinjaExpr right) implements JinjaExpr {
        @Override
        public Object eval(JinjaScope scope) {
            Object a = left.eval(scope);
            switch (op) {
                case "and":
                    return JinjaValues.truthy(a) ? right.eval(scope) : a;
                case "or":
                    return JinjaValues.truthy(a) ? a : right.eval(scope);
                default:
                    break;
            }
            Object b = right.eval(scope);
            return switch (op) {
                case "==" -> JinjaValues.equal(a, b);
                case "!=" -> !JinjaValues.equal(a, b);
                case "<" -> JinjaValues.number(a) < JinjaValues.number(b);
                case ">" -> JinjaValues.number(a) > JinjaValues.number(b);
                case "<=" -> JinjaValues.number(a) <= JinjaValues.number(b);
                case ">=" -> JinjaValues.number(a) >= JinjaValues.number(b);
                case "in" -> contains(b, a);
                case "not in" -> !contains(b, a);
                case "+" -> JinjaValues.plus(a, b);
                case "-" -> JinjaValues.number(a) - JinjaValues.number(b);
                case "~" -> JinjaValues.str(a) + JinjaValues.str(b);
                default -> throw new IllegalStateException("operator " + op);
            };
        }

        private static boolean contains(Object container, Object item) {
            if (container instanceof String s) {
                return s.contains(JinjaValues.str(item));
            }
            if (container instanceof Collection<?> c) {
                return c.stream().anyMatch(x -> JinjaValues.equal(x, item));
            }
            if (container instanceof Map<?, ?> m) {
                return m.containsKey(item);
            }
            throw new IllegalArgumentException("'in' needs a string, list or mapping, got "
                    + JinjaValues.typeName(container));
        }
    }
}
