package io.vigil.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Vocabulary that is not a block's keyword table: the checker-specific keywords of keepalived's built-in checkers
 * (validated by their plugins; see {@link CheckerBuilder}) and the IPVS schedulers. Block keywords live in the
 * builders' {@link KeywordTable}s.
 */
final class Keywords {
    private Keywords() {}

    static final Map<String, Set<String>> CHECKER_SPECIFIC = checkers();

    private static Map<String, Set<String>> checkers() {
        var m = new LinkedHashMap<String, Set<String>>();
        m.put("HTTP_GET", Set.of("http_protocol", "fast_recovery", "url", "virtualhost"));
        m.put("SSL_GET", Set.of("http_protocol", "fast_recovery", "url", "virtualhost", "enable_sni"));
        m.put("TCP_CHECK", Set.of());
        m.put("SMTP_CHECK", Set.of("helo_name", "host"));
        m.put("DNS_CHECK", Set.of("type", "name"));
        m.put("MISC_CHECK", Set.of("misc_path", "misc_timeout", "misc_dynamic", "user"));
        m.put("BFD_CHECK", Set.of("name", "weight"));
        m.put("UDP_CHECK", Set.of("payload", "require_reply", "min_reply_length", "max_reply_length"));
        m.put("PING_CHECK", Set.of());
        m.put("FILE_CHECK", Set.of("track_file", "dynamic", "weight"));
        return Map.copyOf(m);
    }

    /** Schedulers the Linux IPVS modules provide (lb_algo / lvs_sched). */
    static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr",
            "sed", "nq", "twos");
}
