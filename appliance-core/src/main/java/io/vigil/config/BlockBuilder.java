package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What every block builder shares: where diagnostics go, the value readers and the statement shapes several blocks
 * use. Reports of keywords Vigil does not act on are held in {@link #reports} until the block is kept (a block
 * dropped for an error or as a duplicate reports nothing more).
 */
abstract class BlockBuilder {
    /** The loader's state one configuration is built with. */
    record Ctx(Diagnostics diags, Values v, LoadOptions options) {}

    final Ctx cx;
    final Diagnostics diags;
    final Values v;
    final List<Diagnostic> reports = new ArrayList<>();

    BlockBuilder(Ctx cx) {
        this.cx = cx;
        this.diags = cx.diags();
        this.v = cx.v();
    }

    /** Reads one statement through {@code table}; false (after an "unknown keyword" warning) if it has no entry. */
    static <B extends BlockBuilder> boolean dispatch(KeywordTable<B> table, B b, ConfigNode c, String where) {
        var e = table.entry(c.keyword());
        if (e == null) {
            b.unknown(c, where);
            return false;
        }
        e.read(b, c, where, b.reports::add);
        return true;
    }

    /** Hands this block's reports to the diagnostics (the block is kept). */
    void flushTo(List<Diagnostic> parent) { parent.addAll(reports); reports.clear(); }

    void flush() { reports.forEach(diags::add); reports.clear(); }

    void unknown(ConfigNode n, String where) {
        String hint = Values.slashHint(n.keyword());
        if (hint.isEmpty()) hint = legacyHint(n.keyword());
        diags.warning(n.where(), "unknown keyword '" + n.keyword() + "' " + where + "; ignored" + hint);
    }

    private static String legacyHint(String kw) {
        return switch (kw) {
            case "nat_mask" -> " (a keepalived 1.x keyword with no effect; remove it)";
            case "nb_get_retry" -> " (nb_get_retry belongs in a checker block; keepalived 2.x calls it retry)";
            default -> "";
        };
    }

    Optional<Script> script(ConfigNode c) {
        if (c.args().isEmpty()) {
            diags.warning(c.where(), c.keyword() + " needs a script; ignored");
            return Optional.empty();
        }
        v.extraArgs(c, 3);
        var a = c.args();
        return Optional.of(new Script(a.get(0), a.size() > 1 ? Optional.of(a.get(1)) : Optional.empty(),
                a.size() > 2 ? Optional.of(a.get(2)) : Optional.empty(), c.where()));
    }

    boolean checkAddr(ConfigNode c, String a) {
        if (Values.isIp(a)) return true;
        diags.warning(c.where(), c.keyword() + " '" + a + "' is not an IP address; ignored");
        return false;
    }

    /** Words of a list block ("group { A B\n C }"): the keyword and arguments of every line. */
    static List<String> words(ConfigNode block) {
        var out = new ArrayList<String>();
        for (ConfigNode c : block.children()) {
            out.add(c.keyword());
            out.addAll(c.args());
        }
        return out;
    }

    static Diagnostic warn(ConfigNode c, String message) { return Diagnostic.warning(c.where(), message); }

    static Diagnostic note(ConfigNode c, String message) { return Diagnostic.info(c.where(), message); }
}
