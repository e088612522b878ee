package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The keywords of one block, keepalived-style ({@code install_keyword}): keyword → handler, with what Vigil does
 * with it. The builders dispatch through it, the loader warns from it, and docs/config-compatibility.md is rendered
 * from it ({@link CompatibilityTable}), so the three cannot drift.
 *
 * @param <B> the block builder the handlers fill in
 */
final class KeywordTable<B> {
    /** What Vigil does with a keyword; the compatibility page's status column. */
    enum Status {
        /** Vigil behaves on it. */
        ACTED_ON("acted on"),
        /** Kept, not acted on: the loader warns "parsed, not acted on: ..." at its file:line. */
        NOT_ACTED_ON("parsed, not acted on"),
        /** Kept, not acted on, and by design without an observable effect in Vigil (the reason says why); no warning. */
        NO_EFFECT("no effect by design"),
        /** Not acted on and warned about elsewhere (by {@code vigil run} or a check plugin), with its own message. */
        UNSUPPORTED("unsupported");

        final String label;

        Status(String label) { this.label = label; }
    }

    interface Handler<B> { void read(B builder, ConfigNode c); }

    /** The diagnostics that replace the default "parsed, not acted on" warning (security keywords word their own). */
    interface Audit<B> { List<Diagnostic> check(B builder, ConfigNode c); }

    record Entry<B>(String keyword, Status status, String note, String model, Handler<B> handler, Audit<B> audit) {
        /** Runs the handler, then reports what Vigil does not act on. */
        void read(B b, ConfigNode c, String where, Consumer<Diagnostic> report) {
            handler.read(b, c);
            if (audit != null) {
                audit.check(b, c).forEach(report);
            } else if (status == Status.NOT_ACTED_ON) {
                report.accept(Diagnostic.warning(c.where(), "parsed, not acted on: " + keyword + " " + where + " (" + note + ")"));
            }
        }
    }

    private static final Handler<Object> KEEP = (b, c) -> { };

    final String title;
    private final Map<String, Entry<B>> entries = new LinkedHashMap<>();

    KeywordTable(String title) { this.title = title; }

    Entry<B> entry(String keyword) { return entries.get(keyword); }

    boolean contains(String keyword) { return entries.containsKey(keyword); }

    Collection<Entry<B>> entries() { return Collections.unmodifiableCollection(entries.values()); }

    private KeywordTable<B> add(String kw, Status s, String note, String model, Handler<B> h, Audit<B> audit) {
        if (entries.putIfAbsent(kw, new Entry<>(kw, s, note, model, h, audit)) != null) {
            throw new IllegalStateException(title + ": keyword " + kw + " declared twice");
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    private static <B> Handler<B> keep() { return (Handler<B>) KEEP; }

    /** A handler that keeps the statement in the block's node only (read from there where it is acted on). */
    static <B> Handler<B> keepNode() { return keep(); }

    KeywordTable<B> acted(String kw, String note, String model, Handler<B> h) {
        return add(kw, Status.ACTED_ON, note, model, h, null);
    }

    /** Acted on, with a check that reports the parts that are not (e.g. unicast_peer's per-peer TTL options). */
    KeywordTable<B> acted(String kw, String note, String model, Handler<B> h, Audit<B> audit) {
        return add(kw, Status.ACTED_ON, note, model, h, audit);
    }

    KeywordTable<B> notActed(String kw, String reason, String model, Handler<B> h) {
        return add(kw, Status.NOT_ACTED_ON, reason, model, h, null);
    }

    /** Kept in the block's node only, not acted on: warned about. */
    KeywordTable<B> notActed(String kw, String reason) { return notActed(kw, reason, "", keep()); }

    /** Not acted on, reported by {@code audit} (which may stay silent, e.g. vrrp_mcast_group4 224.0.0.18). */
    KeywordTable<B> notActed(String kw, String reason, String model, Handler<B> h, Audit<B> audit) {
        return add(kw, Status.NOT_ACTED_ON, reason, model, h, audit);
    }

    KeywordTable<B> noEffect(String kw, String reason) { return add(kw, Status.NO_EFFECT, reason, "", keep(), null); }

    KeywordTable<B> noEffect(String kw, String reason, String model, Handler<B> h) {
        return add(kw, Status.NO_EFFECT, reason, model, h, null);
    }

    KeywordTable<B> unsupported(String kw, String note, String model, Handler<B> h) {
        return add(kw, Status.UNSUPPORTED, note, model, h, null);
    }

    /** A prepared entry (its status chosen by the caller). */
    KeywordTable<B> add(Entry<B> e) { return add(e.keyword(), e.status(), e.note(), e.model(), e.handler(), e.audit()); }

    /** Several keywords with the same status and reason, kept in the node only. */
    KeywordTable<B> noEffectAll(String reason, String... kws) {
        for (String kw : kws) noEffect(kw, reason);
        return this;
    }

    KeywordTable<B> notActedAll(String reason, String... kws) {
        for (String kw : kws) notActed(kw, reason);
        return this;
    }
}
