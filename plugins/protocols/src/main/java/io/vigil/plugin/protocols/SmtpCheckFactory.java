package io.vigil.plugin.protocols;

import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.CommonKeywords;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * keepalived's SMTP_CHECK: connect, read a {@code 220} greeting, send {@code HELO helo_name} (default
 * {@code smtpchecker.keepalived.org}), expect {@code 250}, send {@code QUIT} and read one line. The deprecated
 * {@code host { connect_ip ...; connect_port ...; bindto ...; connect_timeout ... }} sub-blocks are each an
 * extra target (keepalived makes one checker per host; here all must pass, which is the same for the real
 * server); when there are hosts and the block itself sets no connection option, only the hosts are probed.
 */
@Extension
public final class SmtpCheckFactory implements CheckFactory {
    static final String DEFAULT_HELO = "smtpchecker.keepalived.org";
    private static final Set<String> CONNECTION = Set.of("connect_ip", "connect_port", "bindto", "bind_port", "bind_if",
            "fwmark", "connect_timeout");

    @Override public Set<String> keywords() { return Set.of("SMTP_CHECK"); }

    @Override public Check create(ConfigNode block) throws CheckConfigException {
        ConfigValues.rejectUnknown(block, Set.of("helo_name", "host"));
        String helo = DEFAULT_HELO;
        Optional<ConfigNode> h = block.child("helo_name");
        if (h.isPresent()) helo = ConfigValues.arg(h.get());
        List<SmtpCheck.Host> hosts = new ArrayList<>();
        for (ConfigNode host : block.childrenNamed("host")) {
            for (ConfigNode c : host.children()) {
                if (!CommonKeywords.HOST_HANDLED.contains(c.keyword())) {
                    throw new CheckConfigException(c.where(), "unknown keyword '" + c.keyword() + "' in SMTP_CHECK host");
                }
            }
            Optional<Integer> port = host.child("connect_port").isPresent()
                    ? Optional.of(ConfigValues.integer(host.child("connect_port").get(), 1, 65535)) : Optional.empty();
            hosts.add(new SmtpCheck.Host(host.value("connect_ip"), port, host.value("bindto"),
                    ConfigValues.optionalSeconds(host, "connect_timeout")));
        }
        boolean own = hosts.isEmpty() || block.children().stream().anyMatch(c -> CONNECTION.contains(c.keyword()));
        // sequential probes of several hosts need more than one connect_timeout of budget
        Optional<Duration> budget = Optional.empty();
        if (!hosts.isEmpty()) {
            Duration per = ConfigValues.optionalSeconds(block, "connect_timeout").orElse(Duration.ofSeconds(5));
            Duration sum = own ? per : Duration.ZERO;
            for (SmtpCheck.Host x : hosts) sum = sum.plus(x.connectTimeout().orElse(per));
            budget = Optional.of(sum);
        }
        return new SmtpCheck(helo, own, hosts, budget);
    }
}
