package io.vigil.config;

import io.vigil.check.api.SourceLocation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * keepalived.conf lexical layer: reads files (through a {@link ConfigSource}), follows {@code include} globs, drops {@code !}/{@code #} comments,
 * evaluates {@code @id}/{@code @^id} conditional lines, defines and substitutes {@code $NAME=value} parameters
 * (also multi-line ones), expands {@code ~SEQ}/{@code ~SEQx}/{@code ~LST} lines, and splits what remains into
 * words, quoted strings and braces, each with its file:line:col.
 *
 * <p>The order of the steps follows keepalived's parser: include lines are recognised on the raw line (so an
 * include cannot be conditional or parameterised), then the conditional prefix, then a parameter definition, then
 * sequence expansion, then substitution — whose result is processed again from the top, which is what makes
 * {@code $IF_MAIN=@main} and parameters defined inside multi-line parameters work.
 */
final class Lexer {
    static final int MAX_INCLUDE_DEPTH = 32;
    static final int MAX_EXPANSION_DEPTH = 32;
    static final int MAX_LINE_CHARS = 64 * 1024;

    private static final Set<String> INCLUDE_WORDS = Set.of("include", "includer", "includem", "includew", "includeb", "includea");
    private static final Pattern PARAM_DEF = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)=(.*)", Pattern.DOTALL);

    /** Where the text being processed came from; {@code exact} is false for text produced by substitution. */
    private record Origin(String file, String dir, int line, boolean exact) {
        SourceLocation at(int col) { return new SourceLocation(file, line, exact ? col : Math.max(col, 1)); }
    }

    /** The lexer's output. */
    record Result(List<String> files) {}

    /** Receives the token stream; the tree builder consumes it as it is produced (no token list in memory). */
    interface Sink {
        void word(String text, String file, int line, int col);

        void open(SourceLocation where);

        void close(SourceLocation where);

        void endOfLine();
    }

    private final LoadOptions options;
    private final Diagnostics diags;
    private final Sink sink;
    /** Words repeat a lot (keywords, "3", "/health"); sharing them keeps a big model small. */
    private final WordCache words = new WordCache();
    private final StringBuilder word = new StringBuilder(64);
    private final Map<String, String> params = new HashMap<>();
    private final Deque<String> includeStack = new ArrayDeque<>();
    private final List<String> files = new ArrayList<>();
    private final Random random = new Random(0);
    private long generatedLines;
    /** Bytes read from every file so far: the size cap is for the configuration as a whole. */
    private long totalBytes;
    private String oddSpaceFile;
    private boolean generationCapReported;

    private final ConfigSource source;
    /** The config-id that conditional lines and ${_INSTANCE} see: the options' or else the node's. */
    private final String configId;

    Lexer(ConfigSource source, LoadOptions options, Diagnostics diags, Sink sink) {
        this.source = source;
        this.options = options;
        this.configId = options.configId() != null ? options.configId() : source.defaultConfigId();
        this.sink = sink;
        this.diags = diags;
    }

    /** Lexes a file of the source (and everything it includes). */
    Result lexFile(String file) {
        readFile(file, file, null);
        return result();
    }

    /** Lexes text that is not a file on disk (embedded default, tests); includes resolve against {@code baseDir}. */
    Result lexText(String name, String text, String baseDir) {
        files.add(name);
        processText(name, baseDir, text);
        return result();
    }

    private Result result() {
        return new Result(List.copyOf(files));
    }

    // ---------------------------------------------------------------- files

    private void readFile(String file, String displayName, SourceLocation includedFrom) {
        SourceLocation errAt = includedFrom != null ? includedFrom : new SourceLocation(displayName, 0, 0);
        ConfigSource.Lookup.Found found;
        switch (source.lookup(file)) {
            case ConfigSource.Lookup.Missing m -> {
                diags.error(errAt, (includedFrom != null ? "included file " : "configuration file ") + displayName + " does not exist");
                return;
            }
            case ConfigSource.Lookup.Failed f -> {
                diags.error(errAt, "cannot open " + displayName + ": " + f.message());
                return;
            }
            case ConfigSource.Lookup.Found f -> found = f;
        }
        String real = found.real();
        if (found.kind() == ConfigSource.Kind.DIRECTORY) {
            diags.error(errAt, displayName + " is a directory, not a configuration file"
                    + (includedFrom != null ? " (use a wildcard such as " + displayName.replaceAll("/+$", "") + "/*.conf)" : ""));
            return;
        }
        if (includeStack.contains(real)) {
            var chain = new ArrayList<String>();
            includeStack.descendingIterator().forEachRemaining(chain::add);
            chain.add(real);
            diags.error(errAt, "include loop: " + String.join(" -> ", chain));
            return;
        }
        if (includeStack.size() >= MAX_INCLUDE_DEPTH) {
            diags.error(errAt, "includes nested more than " + MAX_INCLUDE_DEPTH + " deep");
            return;
        }
        // only regular files: a device (/dev/zero, /dev/urandom) never ends and a FIFO blocks the open itself
        if (found.kind() != ConfigSource.Kind.REGULAR) {
            diags.error(errAt, displayName + " is " + found.description() + ", not a regular file; configuration is read only from regular files");
            return;
        }
        byte[] bytes;
        try {
            long size = source.size(real);
            long room = options.maxFileBytes() - totalBytes;
            if (size > room) {
                diags.error(includedFrom != null ? includedFrom : new SourceLocation(displayName, 1, 1), "file " + displayName
                        + " is " + size + " bytes; the configuration and its includes may have at most "
                        + options.maxFileBytes() + " bytes in total" + (totalBytes > 0 ? " (" + totalBytes + " read before it)" : ""));
                return;
            }
            bytes = source.readAtMost(real, room);
            if (bytes == null) {
                diags.error(errAt, displayName + " grew past " + options.maxFileBytes() + " bytes in total while it was read");
                return;
            }
            totalBytes += bytes.length;
        } catch (IOException | UncheckedIOException | SecurityException | OutOfMemoryError e) {
            diags.error(errAt, "cannot read " + displayName + ": " + e.getMessage());
            return;
        }
        // the first line may start with a UTF-8 byte order mark (Windows editors write one): not part of the text
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            bytes = java.util.Arrays.copyOfRange(bytes, 3, bytes.length);
        }
        String text = decode(bytes, displayName);
        if (text == null) return;
        includeStack.push(real);
        files.add(displayName);
        try {
            processText(displayName, found.parent(), text);
        } finally {
            includeStack.pop();
        }
    }

    /** UTF-8 text, or null (with an error) for binary data: keepalived.conf never contains NULs or control bytes. */
    private String decode(byte[] bytes, String name) {
        int line = 1, col = 1;
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '\n') { line++; col = 1; continue; }
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\f' && c != 0x0b) || c == 0x7f) {
                diags.error(new SourceLocation(name, line, col), String.format(
                        "binary data (byte 0x%02x): this is not a text configuration file", c));
                return null;
            }
            if ((c & 0xc0) != 0x80) col++; // count characters, not UTF-8 continuation bytes
        }
        // malformed UTF-8 (a GBK comment, say) becomes U+FFFD: only keywords and values matter, and those are ASCII
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- lines

    private void processText(String file, String dir, String text) {
        int n = text.length();
        int pos = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? 1 : 0, lineNo = 0;
        while (pos < n) {
            if (source.cancelled()) {
                // a reload that ran past its time limit: stop, the caller reports it
                diags.error(new SourceLocation(file, lineNo + 1, 1), "reading the configuration was cancelled");
                return;
            }
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? n : nl;
            lineNo++;
            String raw = text.substring(pos, end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end);
            pos = nl < 0 ? n + 1 : nl + 1;
            if (raw.length() > MAX_LINE_CHARS) {
                diags.error(new SourceLocation(file, lineNo, 1), "line is " + raw.length() + " characters long; the limit is "
                        + MAX_LINE_CHARS + " (is this really a keepalived.conf?)");
                continue;
            }
            String line = stripComment(raw);
            if (line.length() < raw.length()) lostLineBreaks(raw, line.length(), file, lineNo);
            line = unicodeSpaces(line, file, lineNo);
            if (line.isBlank()) continue;
            Origin origin = new Origin(file, dir, lineNo, true);
            // A parameter definition may continue over lines ending in '\'
            if (line.stripTrailing().endsWith("\\") && isParamDefinition(line)) {
                var joined = new StringBuilder(line.stripTrailing());
                while (joined.charAt(joined.length() - 1) == '\\') {
                    joined.setLength(joined.length() - 1);
                    if (pos >= n) break;
                    int nl2 = text.indexOf('\n', pos);
                    int end2 = nl2 < 0 ? n : nl2;
                    lineNo++;
                    String next = stripComment(text.substring(pos, end2 > pos && text.charAt(end2 - 1) == '\r' ? end2 - 1 : end2));
                    pos = nl2 < 0 ? n + 1 : nl2 + 1;
                    joined.append('\n').append(next.stripTrailing());
                }
                processLine(joined.toString(), origin, 0, 0);
                continue;
            }
            int lead = leadingSpace(line);
            int wordEnd = lead;
            while (wordEnd < line.length() && !Character.isWhitespace(line.charAt(wordEnd))) wordEnd++;
            if (wordEnd - lead >= 7 && wordEnd - lead <= 8 && line.startsWith("include", lead)
                    && INCLUDE_WORDS.contains(line.substring(lead, wordEnd))) {
                include(line.substring(wordEnd).strip(), origin, lead + 1);
                continue;
            }
            processLine(line, origin, 0, 0);
        }
    }

    /**
     * Text copied from web pages is indented with U+00A0 (no-break space) or U+3000 (ideographic space).
     * keepalived reads those bytes as part of a word ("Unknown keyword '    '"), which silently wrecks the
     * config; Vigil reads them as blanks — the author's evident intent — and warns once per file.
     */
    private String unicodeSpaces(String line, String file, int lineNo) {
        StringBuilder sb = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c > 127 && (Character.isSpaceChar(c) || Character.isWhitespace(c))) {
                if (sb == null) sb = new StringBuilder(line);
                sb.setCharAt(i, ' ');
                if (oddSpaceFile == null || !oddSpaceFile.equals(file)) {
                    oddSpaceFile = file;
                    diags.warning(new SourceLocation(file, lineNo, i + 1), String.format(
                            "U+%04X %s read as a blank; keepalived reads it as part of a word (text copied from a web page?)"
                                    + " - retype it as a normal space (reported once per file)",
                            (int) c, c == '\u00a0' ? "no-break space" : c == '\u3000' ? "ideographic (full-width) space"
                                    : "Unicode space"));
                }
            }
        }
        return sb == null ? line : sb.toString();
    }

    private static final Pattern HIDDEN_KEYWORD = Pattern.compile("(global_defs|vrrp_instance|vrrp_script|vrrp_sync_group"
            + "|virtual_server|real_server|virtual_router_id|virtual_ipaddress|authentication|auth_type|auth_pass|advert_int"
            + "|track_script|router_id|interface|priority|script|interval|nopreempt|state|lb_algo|lb_kind|delay_loop|HTTP_GET|TCP_CHECK)"
            + "(?=[\\s{}]|$)");

    /**
     * Articles that lost their line breaks (seed 002: "state MASTER #定义主还是备interface ens33 ...") hide whole
     * statements inside a comment. keepalived ignores them silently; Vigil points at the comment when it holds
     * braces or a keepalived keyword glued to the comment text before it.
     */
    private void lostLineBreaks(String raw, int commentAt, String file, int lineNo) {
        String comment = raw.substring(commentAt + 1);
        var m = HIDDEN_KEYWORD.matcher(comment);
        int keywords = 0;
        String first = null;
        boolean glued = false;
        while (m.find()) {
            keywords++;
            if (first == null) first = m.group(1);
            if (m.start() > 0 && !Character.isWhitespace(comment.charAt(m.start() - 1))
                    && comment.charAt(m.start() - 1) != '#' && comment.charAt(m.start() - 1) != '!') {
                glued = true;
            }
        }
        boolean braces = comment.indexOf('{') >= 0 || comment.indexOf('}') >= 0;
        if (!(glued || braces)) return;
        String hidden = first != null ? "'" + first + "'" : "'" + (comment.indexOf('}') >= 0 ? "}" : "{") + "'";
        diags.warning(new SourceLocation(file, lineNo, commentAt + 1), "this comment (" + raw.charAt(commentAt)
                + " to end of line) hides " + hidden + (keywords + (braces ? 1 : 0) > 1 ? " and more" : "")
                + " - were line breaks lost when the configuration was copied? keepalived ignores all of it");
    }

    private static boolean isParamDefinition(String line) {
        String s = line.strip();
        if (s.startsWith("@")) {
            int sp = firstSpace(s);
            if (sp < 0) return false;
            s = s.substring(sp).strip();
        }
        return PARAM_DEF.matcher(s).matches();
    }

    /** Cuts the line at the first '#' or '!' outside quotes ("Comments ... can start anywhere in a line"). */
    static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' || c == '!') {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /**
     * One logical line: conditional prefix, parameter definition, sequence expansion, substitution, then tokens.
     * {@code col0} is the 0-based column of {@code text}'s first character within the physical line.
     */
    private void processLine(String text, Origin o, int col0, int depth) {
        if (depth > MAX_EXPANSION_DEPTH) {
            diags.error(o.at(col0 + 1), "parameter or ~SEQ expansion nested more than " + MAX_EXPANSION_DEPTH
                    + " deep (does a parameter refer to itself?)");
            return;
        }
        int lead = leadingSpace(text);
        if (lead < text.length()) {
            char f = text.charAt(lead);
            if (f != '@' && f != '$' && f != '~' && text.indexOf('$', lead) < 0) {
                // the common line: nothing to expand, tokenize in place (tokenize skips the blanks itself)
                if (countLine(o, col0 + lead)) tokenize(text, o, col0);
                return;
            }
        }
        col0 += lead;
        String s = text.substring(lead).stripTrailing();
        // conditional configuration: "@id line" is kept only when id is the config-id, "@^id line" only when not
        while (s.startsWith("@")) {
            int sp = firstSpace(s);
            String word = sp < 0 ? s : s.substring(0, sp);
            boolean negate = word.startsWith("@^");
            String id = word.substring(negate ? 2 : 1);
            if (id.isEmpty()) {
                diags.warning(o.at(col0 + 1), "'" + word + "' has no config-id after it; line ignored");
                return;
            }
            if (id.equals(configId) == negate) return;
            if (sp < 0) return;
            String rest = s.substring(sp);
            int skip = sp + leadingSpace(rest);
            col0 += skip;
            s = s.substring(skip);
        }
        if (s.isEmpty()) return;
        if (s.charAt(0) == '$') {
            var m = PARAM_DEF.matcher(s);
            if (m.matches()) {
                params.put(m.group(1), definitionValue(m.group(2)));
                return;
            }
        }
        if (s.startsWith("~SEQ(") || s.startsWith("~SEQx(") || s.startsWith("~LST(")) {
            sequence(s, o, col0, depth);
            return;
        }
        if (s.indexOf('$') >= 0) {
            String r = substitute(s, o);
            if (!r.equals(s)) {
                Origin inexact = new Origin(o.file(), o.dir(), o.line(), false);
                if (r.indexOf('\n') < 0) {
                    processLine(r, inexact, col0, depth + 1);
                } else {
                    for (String piece : r.split("\n", -1)) {
                        if (!piece.isBlank()) processLine(piece, inexact, col0, depth + 1);
                    }
                }
                return;
            }
        }
        if (countLine(o, col0)) tokenize(s, o, col0);
    }

    /** Counts a line about to be tokenized; false (after one error) once a config expands beyond reason. */
    private boolean countLine(Origin o, int col0) {
        if (++generatedLines <= options.maxLines()) return true;
        if (!generationCapReported) {
            generationCapReported = true;
            diags.error(o.at(col0 + 1), "configuration expands to more than " + options.maxLines() + " lines; stopped");
        }
        return false;
    }

    /** "$NAME= \" followed by continuation lines: the first (empty) piece is dropped, the rest kept as lines. */
    private static String definitionValue(String raw) {
        if (raw.indexOf('\n') < 0) return raw.strip();
        var lines = new ArrayList<String>(List.of(raw.split("\n", -1)));
        if (lines.getFirst().isBlank()) lines.removeFirst();
        return String.join("\n", lines);
    }

    // ---------------------------------------------------------------- parameters

    /** One pass of $NAME / ${NAME} replacement; the caller re-processes the result, which makes it recursive. */
    private String substitute(String s, Origin o) {
        var sb = new StringBuilder(s.length() + 16);
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 >= n) { sb.append(c); i++; continue; }
            char d = s.charAt(i + 1);
            if (d == '{') {
                int close = s.indexOf('}', i + 2);
                if (close < 0) { sb.append(c); i++; continue; }
                String inner = s.substring(i + 2, close);
                String value = lookup(inner.strip(), o);
                if (value == null) sb.append(s, i, close + 1); else sb.append(value);
                i = close + 1;
            } else if (Character.isLetter(d) || d == '_') {
                int j = i + 1;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                String value = (j == n || Character.isWhitespace(s.charAt(j))) ? lookup(s.substring(i + 1, j), o) : null;
                if (value == null) sb.append(s, i, j); else sb.append(value);
                i = j;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    private String lookup(String name, Origin o) {
        String v = params.get(name);
        if (v != null) return v;
        return switch (name) {
            case "_PWD" -> o.dir() == null ? "." : o.dir();
            case "_INSTANCE" -> configId;
            case "_HASH" -> "#";
            case "_BANG" -> "!";
            default -> name.equals("_RANDOM") || name.startsWith("_RANDOM ") ? randomValue(name) : null;
        };
    }

    /** ${_RANDOM [MIN [MAX]]}: deterministic here (seed 0) so a config's content hash is reproducible. */
    private String randomValue(String spec) {
        String[] parts = spec.strip().split("\\s+");
        try {
            long min = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
            long max = parts.length > 2 ? Long.parseLong(parts[2]) : 32767;
            if (max < min) return null;
            return Long.toString(min + (long) (random.nextDouble() * (max - min + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- ~SEQ / ~LST

    private void sequence(String s, Origin o, int col0, int depth) {
        int open = s.indexOf('(');
        int close = matchingParen(s, open);
        if (close < 0) {
            diags.error(o.at(col0 + 1), "unterminated " + s.substring(0, open) + "( ... ) - expected ')'");
            return;
        }
        String kind = s.substring(1, open);
        String spec = substitute(s.substring(open + 1, close), o);
        String rest = s.substring(close + 1);
        int restCol = col0 + close + 1;
        if (kind.equals("LST")) {
            list(spec, rest, o, col0, restCol, depth);
            return;
        }
        boolean hex = kind.equals("SEQx");
        String[] a = spec.split(",", -1);
        for (int k = 0; k < a.length; k++) a[k] = a[k].strip();
        if (a.length < 2 || a.length > 4 || !a[0].matches("[A-Za-z_][A-Za-z0-9_]*")) {
            diags.error(o.at(col0 + 1), "~" + kind + " needs (var, [start, [step,]] end); got (" + spec + ")");
            return;
        }
        long start, step, end;
        try {
            end = parseLong(a[a.length - 1]);
            start = a.length >= 3 ? parseLong(a[1]) : (end > 0 ? 1 : -1);
            step = a.length == 4 ? parseLong(a[2]) : (end >= start ? 1 : -1);
        } catch (NumberFormatException e) {
            diags.error(o.at(col0 + 1), "~" + kind + "(" + spec + "): start, step and end must be integers");
            return;
        }
        if (step == 0 || (step > 0 && start > end) || (step < 0 && start < end)) {
            diags.error(o.at(col0 + 1), "~" + kind + "(" + spec + ") never reaches its end value");
            return;
        }
        String saved = params.get(a[0]);
        for (long v = start; step > 0 ? v <= end : v >= end; v += step) {
            if (generationCapReported) break;
            params.put(a[0], hex ? Long.toHexString(v) : Long.toString(v));
            processLine(rest, o, restCol, depth + 1);
        }
        restore(a[0], saved);
    }

    private void list(String spec, String rest, Origin o, int col0, int restCol, int depth) {
        List<String> groups = splitTopLevel(spec);
        if (groups.size() < 2) {
            diags.error(o.at(col0 + 1), "~LST needs (var, value, ...); got (" + spec + ")");
            return;
        }
        List<String> vars = unbrace(groups.getFirst());
        var saved = new HashMap<String, String>();
        for (String v : vars) saved.put(v, params.get(v));
        for (String g : groups.subList(1, groups.size())) {
            if (generationCapReported) break;
            List<String> vals = unbrace(g);
            if (vals.size() != vars.size()) {
                diags.error(o.at(col0 + 1), "~LST value " + g.strip() + " has " + vals.size() + " values for " + vars.size() + " variables");
                break;
            }
            for (int k = 0; k < vars.size(); k++) params.put(vars.get(k), vals.get(k));
            processLine(rest, o, restCol, depth + 1);
        }
        saved.forEach(this::restore);
    }

    private void restore(String name, String saved) {
        if (saved == null) params.remove(name); else params.put(name, saved);
    }

    private static List<String> splitTopLevel(String spec) {
        var parts = new ArrayList<String>();
        int level = 0, from = 0;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == '{') level++;
            else if (c == '}') level--;
            else if (c == ',' && level == 0) { parts.add(spec.substring(from, i)); from = i + 1; }
        }
        parts.add(spec.substring(from));
        return parts;
    }

    private static List<String> unbrace(String g) {
        String t = g.strip();
        if (t.startsWith("{") && t.endsWith("}")) t = t.substring(1, t.length() - 1);
        var out = new ArrayList<String>();
        for (String p : t.split(",", -1)) out.add(p.strip());
        return out;
    }

    private static int matchingParen(String s, int open) {
        int level = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '(') level++;
            else if (s.charAt(i) == ')' && --level == 0) return i;
        }
        return -1;
    }

    private static long parseLong(String s) {
        String t = s.strip();
        boolean neg = t.startsWith("-");
        if (neg) t = t.substring(1);
        long v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        return neg ? -v : v;
    }

    // ---------------------------------------------------------------- include

    private void include(String arg, Origin o, int col) {
        SourceLocation at = o.at(col);
        String pattern = unquote(arg);
        if (pattern.isEmpty()) {
            diags.error(at, "include needs a file name or pattern");
            return;
        }
        if (!ConfigSource.hasGlob(pattern)) {
            String p = source.resolve(o.dir(), pattern);
            readFile(p, displayPath(pattern, p), at);
            return;
        }
        List<String> matches;
        try {
            matches = source.glob(o.dir(), pattern);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            diags.error(at, "include " + pattern + ": " + e.getMessage());
            return;
        }
        if (matches.isEmpty()) {
            // keepalived accepts this silently: "include conf.d/*.conf" with an empty conf.d is normal
            diags.info(at, "include " + pattern + " matches no files");
            return;
        }
        for (String p : matches) {
            if (source.isDirectory(p)) continue; // a wildcard that also matches sub-directories
            readFile(p, displayPath(pattern, p), at);
        }
    }

    private String displayPath(String pattern, String resolved) {
        return source.isAbsolute(pattern) ? pattern : resolved;
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.charAt(0) == '"' || t.charAt(0) == '\'') && t.charAt(t.length() - 1) == t.charAt(0)) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }

    // ---------------------------------------------------------------- tokens

    /** Splits a processed line into words (quotes removed, escapes applied) and braces, then an EOL token. */
    private void tokenize(String s, Origin o, int col0) {
        var word = this.word;
        word.setLength(0);
        int wordStart = -1;
        boolean quotedWord = false;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                if (wordStart < 0) wordStart = i;
                quotedWord = true;
                int j = i + 1;
                for (; j < n && s.charAt(j) != c; j++) {
                    char q = s.charAt(j);
                    if (q == '\\' && j + 1 < n) j = escape(s, j + 1, word);
                    else word.append(q);
                }
                if (j >= n) {
                    diags.error(o.at(col0 + i + 1), "unterminated quoted string (missing " + c + ")");
                }
                i = j;
            } else if (Character.isWhitespace(c)) {
                if (wordStart >= 0) { emitWord(word, quotedWord, o, col0 + wordStart + 1); wordStart = -1; quotedWord = false; }
            } else if (c == '$' && i + 1 < n && s.charAt(i + 1) == '{' && s.indexOf('}', i + 2) > 0) {
                // an undefined ${NAME} stays as text (keepalived leaves it); its braces are not a block
                if (wordStart < 0) wordStart = i;
                int close = s.indexOf('}', i + 2);
                word.append(s, i, close + 1);
                i = close;
            } else if (c == '{' || c == '}') {
                if (wordStart >= 0) { emitWord(word, quotedWord, o, col0 + wordStart + 1); wordStart = -1; quotedWord = false; }
                if (c == '{') sink.open(o.at(col0 + i + 1)); else sink.close(o.at(col0 + i + 1));
            } else {
                if (wordStart < 0) wordStart = i;
                word.append(c);
            }
        }
        if (wordStart >= 0) emitWord(word, quotedWord, o, col0 + wordStart + 1);
        sink.endOfLine();
    }

    /** Applies the escape starting at {@code s[j]} (after the backslash); returns the index of its last char. */
    private static int escape(String s, int j, StringBuilder word) {
        char e = s.charAt(j);
        switch (e) {
            case 'a' -> word.append('\u0007');
            case 'b' -> word.append('\b');
            case 'E' -> word.append('\u001b');
            case 'f' -> word.append('\f');
            case 'n' -> word.append('\n');
            case 'r' -> word.append('\r');
            case 't' -> word.append('\t');
            case 'v' -> word.append('\u000b');
            case 'x' -> {
                int k = j + 1;
                while (k < s.length() && k < j + 3 && Character.digit(s.charAt(k), 16) >= 0) k++;
                if (k == j + 1) { word.append('x'); return j; }
                word.append((char) Integer.parseInt(s.substring(j + 1, k), 16));
                return k - 1;
            }
            default -> {
                if (e >= '0' && e <= '7') {
                    int k = j;
                    while (k < s.length() && k < j + 3 && s.charAt(k) >= '0' && s.charAt(k) <= '7') k++;
                    word.append((char) Integer.parseInt(s.substring(j, k), 8));
                    return k - 1;
                }
                word.append(e);
            }
        }
        return j;
    }

    private void emitWord(StringBuilder word, boolean quoted, Origin o, int col) {
        String text = word.length() <= 32 ? words.intern(word) : word.toString();
        word.setLength(0);
        sink.word(text, o.file(), o.line(), o.exact() ? col : Math.max(col, 1));
    }

    private static int leadingSpace(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static int firstSpace(String s) {
        for (int i = 0; i < s.length(); i++) if (Character.isWhitespace(s.charAt(i))) return i;
        return -1;
    }
}
