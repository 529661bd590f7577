package dev.jtune.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of Jinja that Hugging Face chat templates use: text, {@code {{ expr }}}, {@code {# comments #}},
 * {@code {% set %}}, {@code {% for x in xs %}} (with {@code loop.index0}, {@code index}, {@code first},
 * {@code last}, {@code length}, and an {@code else} branch), {@code {% if %}/elif/else}, the {@code -} white space
 * control marks, and the expressions of {@link JinjaExpressionParser}. Like transformers, it runs with
 * {@code trim_blocks} (the newline after a block tag is dropped) and {@code lstrip_blocks} (spaces and tabs before a
 * block tag at the start of a line are dropped).
 */
final class JinjaTemplate {

    private final List<Node> body;

    private JinjaTemplate(List<Node> body) {
        this.body = body;
    }

    /** @throws IllegalArgumentException on syntax outside the subset, naming the tag */
    static JinjaTemplate parse(String source) {
        Parser parser = new Parser(Lexer.split(source));
        List<Node> body = parser.body(Set.of());
        if (parser.pos < parser.pieces.size()) {
            throw new IllegalArgumentException("Jinja: unexpected {% " + parser.pieces.get(parser.pos).content
                    + " %}");
        }
        return new JinjaTemplate(body);
    }

    /** Renders with the given global variables (and functions, as {@link JinjaExpr.Function} values). */
    String render(Map<String, Object> globals) {
        JinjaScope scope = new JinjaScope(null);
        globals.forEach(scope::set);
        StringBuilder out = new StringBuilder();
        for (Node node : body) {
            node.render(scope, out);
        }
        return out.toString();
    }

    // ---- tags ----

    private enum Kind { TEXT, OUTPUT, STATEMENT }

    private record Piece(Kind kind, String content) {
    }

    /** Splits the source into text, {{ }} and {% %} pieces, applying white space control. */
    private static final class Lexer {

        static List<Piece> split(String src) {
            List<Piece> pieces = new ArrayList<>();
            int i = 0;
            boolean stripLeading = false;
            boolean dropNewline = false;
            while (true) {
                int open = nextTag(src, i);
                String text = src.substring(i, open < 0 ? src.length() : open);
                if (stripLeading) {
                    text = text.stripLeading();
                } else if (dropNewline) {
                    text = text.startsWith("\r\n") ? text.substring(2) : text.startsWith("\n") ? text.substring(1)
                            : text;
                }
                if (open < 0) {
                    addText(pieces, text);
                    return pieces;
                }
                char kind = src.charAt(open + 1);
                int p = open + 2;
                char mark = p < src.length() ? src.charAt(p) : ' ';
                if (mark == '-' || mark == '+') {
                    p++;
                }
                if (mark == '-') {
                    text = text.stripTrailing();
                } else if (kind != '{' && mark != '+') {
                    text = text.substring(0, text.length() - blanksOpeningLine(src, open, text.length()));
                }
                addText(pieces, text);
                int close = closing(src, p, kind);
                boolean trimAfter = close > p && src.charAt(close - 1) == '-';
                String content = src.substring(p, trimAfter ? close - 1 : close).strip();
                if (kind == '{') {
                    pieces.add(new Piece(Kind.OUTPUT, content));
                } else if (kind == '%') {
                    pieces.add(new Piece(Kind.STATEMENT, content));
                }
                i = close + 2;
                stripLeading = trimAfter;
                dropNewline = kind != '{';
            }
        }

        private static void addText(List<Piece> pieces, String text) {
            if (!text.isEmpty()) {
                pieces.add(new Piece(Kind.TEXT, text));
            }
        }

        private static int nextTag(String src, int from) {
            for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
                char c = src.charAt(i + 1);
                if (c == '{' || c == '%' || c == '#') {
                    return i;
                }
            }
            return -1;
        }

        /** lstrip_blocks: how many spaces/tabs before the tag follow a line start (at most the pending text). */
        private static int blanksOpeningLine(String src, int open, int available) {
            int k = 0;
            while (open - k - 1 >= 0 && (src.charAt(open - k - 1) == ' ' || src.charAt(open - k - 1) == '\t')) {
                k++;
            }
            boolean lineStart = open - k == 0 || src.charAt(open - k - 1) == '\n';
            return lineStart && k <= available ? k : 0;
        }

        /** The index of the closing "}}", "%}" or "#}", skipping quoted strings inside the tag. */
        private static int closing(String src, int from, char kind) {
            String end = kind == '{' ? "}}" : kind == '%' ? "%}" : "#}";
            char quote = 0;
            for (int i = from; i + 1 < src.length(); i++) {
                char c = src.charAt(i);
                if (kind != '#' && quote == 0 && (c == '\'' || c == '"')) {
                    quote = c;
                } else if (quote != 0) {
                    if (c == '\\') {
                        i++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                } else if (src.startsWith(end, i)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("Jinja: tag opened at offset " + (from - 2) + " is never closed");
        }
    }

    // ---- statements ----

    private static final class Parser {
        final List<Piece> pieces;
        int pos;

        Parser(List<Piece> pieces) {
            this.pieces = pieces;
        }

        /** Nodes up to (not including) a statement whose keyword is in {@code stops}. */
        List<Node> body(Set<String> stops) {
            List<Node> nodes = new ArrayList<>();
            while (pos < pieces.size()) {
                Piece piece = pieces.get(pos);
                if (piece.kind == Kind.TEXT) {
                    nodes.add(new Text(piece.content));
                    pos++;
                } else if (piece.kind == Kind.OUTPUT) {
                    JinjaExpressionParser p = new JinjaExpressionParser(piece.content);
                    JinjaExpr expr = p.expression();
                    p.expectEnd();
                    nodes.add(new Output(expr));
                    pos++;
                } else {
                    JinjaExpressionParser p = new JinjaExpressionParser(piece.content);
                    String keyword = p.name();
                    if (stops.contains(keyword)) {
                        return nodes;
                    }
                    pos++;
                    nodes.add(statement(keyword, p));
                }
            }
            if (!stops.isEmpty()) {
                throw new IllegalArgumentException("Jinja: missing {% " + String.join(" or ", stops) + " %}");
            }
            return nodes;
        }

        private Node statement(String keyword, JinjaExpressionParser p) {
            switch (keyword) {
                case "set": {
                    String name = p.name();
                    p.expect("=");
                    JinjaExpr value = p.expression();
                    p.expectEnd();
                    return new SetVariable(name, value);
                }
                case "for": {
                    String var = p.name();
                    p.expect("in");
                    JinjaExpr items = p.expression();
                    p.expectEnd();
                    List<Node> loopBody = body(Set.of("else", "endfor"));
                    List<Node> otherwise = List.of();
                    if (keywordHere().equals("else")) {
                        pos++;
                        otherwise = body(Set.of("endfor"));
                    }
                    pos++;
                    return new For(var, items, loopBody, otherwise);
                }
                case "if": {
                    List<JinjaExpr> conditions = new ArrayList<>();
                    List<List<Node>> branches = new ArrayList<>();
                    JinjaExpr condition = p.expression();
                    p.expectEnd();
                    while (true) {
                        conditions.add(condition);
                        branches.add(body(Set.of("elif", "else", "endif")));
                        String stop = keywordHere();
                        JinjaExpressionParser tag = new JinjaExpressionParser(pieces.get(pos).content);
                        tag.name();
                        pos++;
                        if (stop.equals("elif")) {
                            condition = tag.expression();
                            tag.expectEnd();
                        } else if (stop.equals("else")) {
                            tag.expectEnd();
                            conditions.add(new JinjaExpr.Literal(Boolean.TRUE));
                            branches.add(body(Set.of("endif")));
                            pos++;
                            return new If(conditions, branches);
                        } else {
                            return new If(conditions, branches);
                        }
                    }
                }
                default:
                    throw new IllegalArgumentException("Jinja: unsupported tag {% " + keyword + " ... %}");
            }
        }

        private String keywordHere() {
            return new JinjaExpressionParser(pieces.get(pos).content).name();
        }
    }

    // ---- nodes ----

    private sealed interface Node {
        void render(JinjaScope scope, StringBuilder out);
    }

    private record Text(String text) implements Node {
        @Override
        public void render(JinjaScope scope, StringBuilder out) {
            out.append(text);
        }
    }

    private record Output(JinjaExpr expr) implements Node {
        @Override
        public void render(JinjaScope scope, StringBuilder out) {
            out.append(JinjaValues.str(expr.eval(scope)));
        }
    }

    private record SetVariable(String name, JinjaExpr value) implements Node {
        @Override
        public void render(JinjaScope scope, StringBuilder out) {
            scope.set(name, value.eval(scope));
        }
    }

    private record If(List<JinjaExpr> conditions, List<List<Node>> branches) implements Node {
        @Override
        public void render(JinjaScope scope, StringBuilder out) {
            for (int i = 0; i < conditions.size(); i++) {
                if (JinjaValues.truthy(conditions.get(i).eval(scope))) {
                    branches.get(i).forEach(n -> n.render(scope, out));
                    return;
                }
            }
        }
    }

    private record For(String var, JinjaExpr items, List<Node> body, List<Node> otherwise) implements Node {
        @Override
        public void render(JinjaScope scope, StringBuilder out) {
            Object value = items.eval(scope);
            List<?> list;
            if (value instanceof List<?> l) {
                list = l;
            } else if (value instanceof Map<?, ?> m) {
                list = new ArrayList<>(m.keySet());
            } else if (value == JinjaValues.UNDEFINED) {
                list = List.of();
            } else {
                throw new IllegalArgumentException("Jinja: cannot loop over " + JinjaValues.typeName(value));
            }
            if (list.isEmpty()) {
                otherwise.forEach(n -> n.render(scope, out));
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                JinjaScope inner = new JinjaScope(scope);
                inner.set(var, list.get(i));
                inner.set("loop", Map.of("index0", (long) i, "index", (long) i + 1, "first", i == 0,
                        "last", i == list.size() - 1, "length", (long) list.size()));
                body.forEach(n -> n.render(inner, out));
            }
        }
    }
}
