package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A checker block in a real_server: a built-in one (HTTP_GET, TCP_CHECK, ...), whose keywords are checked here, or
 * one a plugin claims, which the plugin validates (only the shared options are read here).
 */
final class CheckerBuilder extends CheckOptionsBuilder {
    private final String type, where;
    private final boolean builtIn, scriptSecurity;
    private Optional<String> connectIp = Optional.empty(), bindTo = Optional.empty();
    private Optional<Integer> connectPort = Optional.empty();

    static final KeywordTable<CheckerBuilder> TABLE = shared(new KeywordTable<CheckerBuilder>("checker blocks: shared options"),
            Level.CHECKER)
            .acted("nb_get_retry", "as `retry`", "retry (legacy spelling, note)", (b, c) -> {
                b.diags.info(c.where(), "nb_get_retry is deprecated; read as retry");
                b.retry = b.v.int32(c, 0, Integer.MAX_VALUE, "using the default").or(b.parent::retry);
            })
            .acted("connect_ip", "", "connectIp", (b, c) -> b.connectIp = b.v.string(c).filter(x -> b.checkAddr(c, x)))
            .acted("connect_port", "", "connectPort",
                    (b, c) -> b.connectPort = c.args().isEmpty() ? b.v.string(c).map(x -> 0) : b.v.port(c, 0))
            .acted("bindto", "source address of TCP_CHECK / HTTP_GET / SSL_GET probes", "bindTo",
                    (b, c) -> b.bindTo = b.v.string(c).filter(x -> b.checkAddr(c, x)))
            .notActedAll("accepted by every check plugin, not applied", "bind_if", "bind_port", "fwmark")
            .noEffect("log_all_failures", "Vigil journals every check result");

    private static final String PLUGIN_REJECTS = "the HTTP plugin rejects it: \"unknown keyword ... in url\"; the whole "
            + "checker is skipped with that warning";

    /** The {@code url} block of HTTP_GET / SSL_GET: its keywords are acted on by the http plugin. */
    static final KeywordTable<CheckerBuilder> URL = new KeywordTable<CheckerBuilder>("HTTP_GET / SSL_GET › url")
            .acted("path", "", "", (b, c) -> { })
            .acted("digest", "MD5 of the body, lower-case hex; `vigil genhash`", "", (b, c) -> { })
            .acted("status_code", "", "", (b, c) -> { })
            .acted("virtualhost", "", "", (b, c) -> { })
            .acted("regex", "Java regular expression, searched in the body", "", (b, c) -> { })
            .acted("regex_no_match", "", "", (b, c) -> { })
            .unsupported("regex_options", PLUGIN_REJECTS, "", (b, c) -> { })
            .unsupported("regex_stack", PLUGIN_REJECTS, "", (b, c) -> { })
            .unsupported("regex_min_offset", PLUGIN_REJECTS, "", (b, c) -> { })
            .unsupported("regex_max_offset", PLUGIN_REJECTS, "", (b, c) -> { });

    CheckerBuilder(Ctx cx, String type, CheckDefaults defaults, String ctx, boolean scriptSecurity) {
        super(cx, defaults);
        this.type = type;
        this.builtIn = Keywords.CHECKER_SPECIFIC.containsKey(type);
        this.where = ctx + " " + type;
        this.scriptSecurity = scriptSecurity;
    }

    Checker build(ConfigNode n, String ctx) {
        if (!n.args().isEmpty()) v.extraArgs(n, 0);
        Set<String> specific = builtIn ? Keywords.CHECKER_SPECIFIC.get(type) : Set.of();
        for (ConfigNode c : n.children()) {
            var e = TABLE.entry(c.keyword());
            if (e != null) {
                e.read(this, c, where, reports::add);
            } else if (!builtIn) {
                // a plugin's block: the plugin validates its own keywords
            } else if (c.keyword().equals("url") && specific.contains("url")) {
                for (ConfigNode u : c.children()) dispatch(URL, this, u, where + " url");
            } else if (!specific.contains(c.keyword())) {
                unknown(c, where);
            }
        }
        if (builtIn && (type.equals("HTTP_GET") || type.equals("SSL_GET")) && n.child("url").isEmpty()) {
            diags.warning(n.where(), type + " " + ctx + " has no url block; keepalived requires at least one url");
        }
        if (scriptSecurity && type.equals("MISC_CHECK") && n.child("user").isEmpty()) {
            reports.add(warn(n, "enable_script_security is not applied to MISC_CHECK scripts;"
                    + " give the checker a 'user' or keep its script root-owned and not writable by others"));
        }
        int defaultRetry = switch (type) {
            case "DNS_CHECK" -> 3;
            case "MISC_CHECK" -> 0;
            default -> 1;
        };
        Duration defaultDbr = switch (type) {
            case "DNS_CHECK" -> delayLoop;
            case "HTTP_GET", "SSL_GET" -> Duration.ofSeconds(3);
            default -> Duration.ofSeconds(1);
        };
        return new Checker(type, builtIn, connectTimeout.orElse(Duration.ofSeconds(5)), retry.orElse(defaultRetry),
                delayBeforeRetry.orElse(defaultDbr), delayLoop, warmup, connectIp, connectPort, bindTo, alpha, n.where(), n);
    }
}
