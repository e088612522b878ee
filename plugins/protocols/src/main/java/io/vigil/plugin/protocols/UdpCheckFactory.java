package io.vigil.plugin.protocols;

import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * keepalived's UDP_CHECK: send {@code payload} (default 32 filler octets) on a connected UDP socket. Without
 * {@code require_reply} the server is up unless an ICMP error (port/host/net unreachable) comes back within
 * connect_timeout; with it a reply must arrive, and with a HEX_STR the reply must match it (x nibbles are
 * wildcards) over min(reply length, pattern length) octets and be min_reply_length..max_reply_length (0..255) long.
 */
@Extension
public final class UdpCheckFactory implements CheckFactory {

    @Override public Set<String> keywords() { return Set.of("UDP_CHECK"); }

    @Override public Check create(ConfigNode block) throws CheckConfigException {
        ConfigValues.rejectUnknown(block, Set.of("payload", "require_reply", "min_reply_length", "max_reply_length"));
        Optional<byte[]> payload = Optional.empty();
        Optional<ConfigNode> p = block.child("payload");
        if (p.isPresent()) {
            String hex = ConfigValues.joinedArgs(p.get());
            payload = Optional.of(HexString.parse(hex, false).orElseThrow(() ->
                    new CheckConfigException(p.get().where(), "payload: invalid hex string '" + hex + "'")).data());
        }
        boolean requireReply = false;
        Optional<HexString> reply = Optional.empty();
        Optional<ConfigNode> r = block.child("require_reply");
        if (r.isPresent()) {
            requireReply = true;
            if (!r.get().args().isEmpty()) {
                String hex = String.join(" ", r.get().args());
                reply = Optional.of(HexString.parse(hex, true).orElseThrow(() ->
                        new CheckConfigException(r.get().where(), "require_reply: invalid hex string '" + hex + "'")));
            }
        }
        int min = block.child("min_reply_length").isPresent() ? ConfigValues.integer(block.child("min_reply_length").get(), 0, 65535) : 0;
        int max = block.child("max_reply_length").isPresent() ? ConfigValues.integer(block.child("max_reply_length").get(), 0, 65535) : 255;
        if (min > max) {
            throw new CheckConfigException(block.child("min_reply_length").get().where(),
                    "min_reply_length " + min + " > max_reply_length " + max + ": the check would always fail");
        }
        return new UdpCheck(payload, requireReply, reply, min, max);
    }
}
