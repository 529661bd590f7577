package dev.jtune.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Tokens and recursive-descent parsing of the inside of a Jinja tag. Precedence, loosest first: {@code x if c else
 * y}; or; and; not; comparisons, in, is; + and -; ~; unary minus; filters ({@code |}); postfix {@code .name},
 * {@code [key]}, {@code (args)}. Filters bind tighter than +, so {@code 'a' + s | trim} trims s only.
 */
final class JinjaExpressionParser {

    private enum Kind { NAME, STRING, NUMBER, OP, END }

    private record Token(Kind kind, String text, Object value) {
    }

    private static final List<String> OPERATORS = List.of("==", "!=", "<=", ">=", "<", ">", "+", "-", "~", "(",
            ")", "[", "]", ".", ",", "|", "=", ":");

    private final String source;
    private final List<Token> tokens;
    private int pos;

    JinjaExpressionParser(String source) {
        this.source = source;
        this.tokens = tokenize(source);
    }

    // ---- statement helpers ----

    boolean atEnd() {
        return peek().kind == Kind.END;
    }

    String name() {
        Token t = next();
        if (t.kind != Kind.NAME) {
            throw error("expected a name, found '" + t.text + "'");
        }
        return t.text;
    }

    void expect(String text) {
        Token t = next();
        if (!t.text.equals(text) || t.kind == Kind.STRING) {
            throw error("expected '" + text + "', found '" + t.text + "'");
        }
    }

    void expectEnd() {
        if (!atEnd()) {
            throw error("unexpected '" + peek().text + "'");
        }
    }

    // ---- expressions ----

    JinjaExpr expression() {
        JinjaExpr value = or();
        if (acceptWord("if")) {
            JinjaExpr condition = or();
            JinjaExpr otherwise = acceptWord("else") ? expression() : new JinjaExpr.Literal(JinjaValues.UNDEFINED);
            return new JinjaExpr.Conditional(value, condition, otherwise);
        }
        return value;
    }

    private JinjaExpr or() {
        JinjaExpr left = and();
        while (acceptWord("or")) {
            left = new JinjaExpr.Binary("or", left, and());
        }
        return left;
    }

    private JinjaExpr and() {
        JinjaExpr left = not();
        while (acceptWord("and")) {
            left = new JinjaExpr.Binary("and", left, not());
        }
        return left;
    }

    private JinjaExpr not() {
        if (acceptWord("not")) {
            return new JinjaExpr.Not(not());
        }
        return compare();
    }

    private JinjaExpr compare() {
        JinjaExpr left = sum();
        while (true) {
            Token t = peek();
            if (t.kind == Kind.OP && List.of("==", "!=", "<", ">", "<=", ">=").contains(t.text)) {
                next();
                left = new JinjaExpr.Binary(t.text, left, sum());
            } else if (acceptWord("in")) {
                left = new JinjaExpr.Binary("in", left, sum());
            } else if (peekWord("not") && tokens.get(pos + 1).kind == Kind.NAME
                    && tokens.get(pos + 1).text.equals("in")) {
                pos += 2;
                left = new JinjaExpr.Binary("not in", left, sum());
            } else if (acceptWord("is")) {
                boolean negated = acceptWord("not");
                left = new JinjaExpr.Test(left, name(), negated);
            } else {
                return left;
            }
        }
    }

    private JinjaExpr sum() {
        JinjaExpr left = concat();
        while (peekOp("+") || peekOp("-")) {
            String op = next().text;
            left = new JinjaExpr.Binary(op, left, concat());
        }
        return left;
    }

    private JinjaExpr concat() {
        JinjaExpr left = unary();
        while (acceptOp("~")) {
            left = new JinjaExpr.Binary("~", left, unary());
        }
        return left;
    }

    private JinjaExpr unary() {
        if (acceptOp("-")) {
            return new JinjaExpr.Negate(unary());
        }
        JinjaExpr value = postfix(primary());
        while (acceptOp("|")) {
            value = new JinjaExpr.Filter(value, name());
        }
        return value;
    }

    private JinjaExpr postfix(JinjaExpr value) {
        while (true) {
            if (acceptOp(".")) {
                value = new JinjaExpr.Item(value, new JinjaExpr.Literal(name()));
            } else if (acceptOp("[")) {
                JinjaExpr key = expression();
                expect("]");
                value = new JinjaExpr.Item(value, key);
            } else if (acceptOp("(")) {
                List<JinjaExpr> args = new ArrayList<>();
                while (!acceptOp(")")) {
                    if (!args.isEmpty()) {
                        expect(",");
                    }
                    args.add(expression());
                }
                value = new JinjaExpr.Call(value, args);
            } else {
                return value;
            }
        }
    }

    private JinjaExpr primary() {
        Token t = next();
        switch (t.kind) {
            case STRING:
            case NUMBER:
                return new JinjaExpr.Literal(t.value);
            case NAME:
                return switch (t.text) {
                    case "true", "True" -> new JinjaExpr.Literal(Boolean.TRUE);
                    case "false", "False" -> new JinjaExpr.Literal(Boolean.FALSE);
                    case "none", "None" -> new JinjaExpr.Literal(null);
                    default -> new JinjaExpr.Variable(t.text);
                };
            case OP:
                if (t.text.equals("(")) {
                    JinjaExpr inner = expression();
                    expect(")");
                    return inner;
                }
                if (t.text.equals("[")) {
                    List<JinjaExpr> items = new ArrayList<>();
                    while (!acceptOp("]")) {
                        if (!items.isEmpty()) {
                            expect(",");
                        }
                        items.add(expression());
                    }
                    return new JinjaExpr.ListLiteral(items);
                }
                throw error("unexpected '" + t.text + "'");
            default:
                throw error("unexpected end of expression");
        }
    }

    // ---- tokens ----

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind != Kind.END) {
            pos++;
        }
        return t;
    }

    private boolean peekWord(String word) {
        return peek().kind == Kind.NAME && peek().text.equals(word);
    }

    private boolean acceptWord(String word) {
        if (peekWord(word)) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean peekOp(String op) {
        return peek().kind == Kind.OP && peek().text.equals(op);
    }

    private boolean acceptOp(String op) {
        if (peekOp(op)) {
            pos++;
            return true;
        }
        return false;
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("Jinja: " + message + " in '" + source + "'");
    }

    private List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'' || c == '"') {
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    char d = s.charAt(j++);
                    if (d == '\\' && j < s.length()) {
                        char e = s.charAt(j++);
                        text.append(switch (e) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> e;
                        });
                    } else {
                        text.append(d);
                    }
                }
                if (j >= s.length()) {
                    throw error("unterminated string");
                }
                out.add(new Token(Kind.STRING, text.toString(), text.toString()));
                i = j + 1;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < s.length() && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                out.add(new Token(Kind.NUMBER, s.substring(i, j), Long.parseLong(s.substring(i, j))));
                i = j;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.add(new Token(Kind.NAME, s.substring(i, j), null));
                i = j;
            } else {
                final int at = i;
                String op = OPERATORS.stream().filter(o -> s.startsWith(o, at)).findFirst()
                        .orElseThrow(() -> error("unexpected character '" + c + "'"));
                out.add(new Token(Kind.OP, op, null));
                i += op.length();
            }
        }
        out.add(new Token(Kind.END, "end of tag", null));
        return out;
    }
}
