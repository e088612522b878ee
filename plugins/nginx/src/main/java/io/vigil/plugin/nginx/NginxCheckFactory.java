package io.vigil.plugin.nginx;

import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * NGINX_CHECK — probes an nginx and reads its {@code stub_status}. Usable in a real_server and, nested in a
 * vrrp_script, as a VRRP tracker (seed 002's "is my nginx alive" without a shell script):
 * <pre>
 * NGINX_CHECK {
 *     path /                    # page to fetch (default /); must answer with status_code (default 2xx)
 *     status_code 200-299
 *     virtualhost www.example.com
 *     status_url /nginx_status  # stub_status location; omit to skip the counters
 *     max_active 10000          # down if "Active connections" exceeds this
 *     max_dropped 0             # down if accepts - handled grew by more than this since the previous probe
 *     connect_port 80           # host-handled: connect_ip (tracker default 127.0.0.1), connect_port, connect_timeout
 * }
 * </pre>
 */
@Extension
public final class NginxCheckFactory implements CheckFactory {
    static final Set<String> KEYWORDS = Set.of("path", "status_code", "virtualhost", "status_url", "max_active", "max_dropped");

    @Override public Set<String> keywords() { return Set.of("NGINX_CHECK"); }

    @Override public Check create(ConfigNode block) throws CheckConfigException {
        ConfigValues.rejectUnknown(block, KEYWORDS);
        String path = block.value("path").orElse("/");
        int[] codes = {200, 299};
        Optional<ConfigNode> sc = block.child("status_code");
        if (sc.isPresent()) {
            String v = ConfigValues.arg(sc.get());
            try {
                String[] p = v.split("-", 2);
                codes = new int[]{Integer.parseInt(p[0]), Integer.parseInt(p.length > 1 ? p[1] : p[0])};
            } catch (NumberFormatException e) {
                throw new CheckConfigException(sc.get().where(), "status_code: '" + v + "' is not a status or range like 200-299");
            }
        }
        Optional<Long> maxActive = block.child("max_active").isPresent()
                ? Optional.of((long) ConfigValues.integer(block.child("max_active").get(), 0, Integer.MAX_VALUE)) : Optional.empty();
        long maxDropped = block.child("max_dropped").isPresent()
                ? ConfigValues.integer(block.child("max_dropped").get(), 0, Integer.MAX_VALUE) : 0;
        return new NginxCheck(path, codes[0], codes[1], block.value("virtualhost"), block.value("status_url"), maxActive, maxDropped);
    }
}
