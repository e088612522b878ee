package io.vigil.plugin.protocols;

import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * keepalived's DNS_CHECK: one UDP query (recursion desired) for {@code name} (default the root, ".") of
 * {@code type} (default SOA); up when an answer with the query's id arrives with RCODE 0 (NOERROR), whatever
 * its answer count. retry defaults to 3 and delay_before_retry to delay_loop (set by the host).
 */
@Extension
public final class DnsCheckFactory implements CheckFactory {
    /** The types keepalived 2.2.7 knows (check_dns.c DNS_TYPE[]). */
    static final Map<String, Integer> TYPES = Map.of("A", 1, "NS", 2, "CNAME", 5, "SOA", 6, "MX", 15, "TXT", 16,
            "AAAA", 28, "RRSIG", 46, "DNSKEY", 48);

    @Override public Set<String> keywords() { return Set.of("DNS_CHECK"); }

    @Override public Check create(ConfigNode block) throws CheckConfigException {
        ConfigValues.rejectUnknown(block, Set.of("type", "name"));
        String type = "SOA";
        Optional<ConfigNode> t = block.child("type");
        if (t.isPresent()) {
            type = ConfigValues.arg(t.get()).toUpperCase(Locale.ROOT);
            if (!TYPES.containsKey(type)) {
                throw new CheckConfigException(t.get().where(), "type: unknown DNS check type '" + t.get().args().getFirst()
                        + "' (one of A NS CNAME SOA MX TXT AAAA RRSIG DNSKEY)");
            }
        }
        String name = "";
        Optional<ConfigNode> n = block.child("name");
        if (n.isPresent()) {
            name = ConfigValues.arg(n.get());
            if (block.childrenNamed("name").size() > 1) {
                throw new CheckConfigException(block.childrenNamed("name").get(1).where(), "name: already specified");
            }
            if ((name.startsWith(".") && name.length() > 1) || name.contains("..")) {
                throw new CheckConfigException(n.get().where(), "name: '" + name + "' has an empty label");
            }
            if (name.equals(".")) name = "";
        }
        try {
            DnsCheck.query(0, name, TYPES.get(type));
        } catch (IllegalArgumentException e) {
            throw new CheckConfigException(n.map(ConfigNode::where).orElse(block.where()), "name: " + e.getMessage());
        }
        return new DnsCheck(name, type);
    }
}
