package io.vigil.plugin.protocols;

import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.util.Set;
import org.pf4j.Extension;

/**
 * keepalived's PING_CHECK: one ICMP (or ICMPv6) echo request over an unprivileged ping socket
 * (SOCK_DGRAM/IPPROTO_ICMP); up when an echo reply arrives within connect_timeout. No options of its own.
 */
@Extension
public final class PingCheckFactory implements CheckFactory {

    @Override public Set<String> keywords() { return Set.of("PING_CHECK"); }

    @Override public Check create(ConfigNode block) throws CheckConfigException {
        ConfigValues.rejectUnknown(block, Set.of());
        return new PingCheck();
    }
}
