package io.vigil.config;

import io.vigil.check.api.SourceLocation;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a reload must not do by accident: an empty file, a lost include or a typo in an instance's only VIP loads
 * cleanly yet stops every instance, or leaves a MASTER holding no address. Such a reload is refused unless forced
 * ({@code POST /api/v1/reload?force=true}, or {@code vigil run --allow-empty-reload}).
 */
public final class ReloadGuard {
    private ReloadGuard() {}

    /** Errors (file:line) explaining why {@code next} would empty the running configuration; none if it would not. */
    public static List<Diagnostic> check(KeepalivedConfig running, KeepalivedConfig next, String mainFile) {
        List<Diagnostic> out = new ArrayList<>();
        SourceLocation top = new SourceLocation(next.files().isEmpty() ? mainFile : next.files().getFirst(), 1, 1);
        if (!running.vrrpInstances().isEmpty() && next.vrrpInstances().isEmpty()) {
            out.add(Diagnostic.error(top, "the new configuration has no vrrp_instance; it would stop all "
                    + running.vrrpInstances().size() + " running (" + names(running) + ")" + FORCE));
        }
        if (!running.virtualServers().isEmpty() && next.virtualServers().isEmpty()) {
            out.add(Diagnostic.error(top, "the new configuration has no virtual_server; it would remove all "
                    + running.virtualServers().size() + " from IPVS" + FORCE));
        }
        for (VrrpInstance now : running.vrrpInstances()) {
            if (now.virtualIpAddresses().isEmpty()) continue;
            next.vrrpInstance(now.name()).filter(n -> n.virtualIpAddresses().isEmpty()).ifPresent(n ->
                    out.add(Diagnostic.error(n.locationOf("virtual_ipaddress"), "vrrp_instance " + n.name()
                            + " would have no virtual_ipaddress (it holds "
                            + now.virtualIpAddresses().stream().map(v -> v.address() + "/" + v.prefixLength()).collect(Collectors.joining(" "))
                            + " now; an address that did not parse is reported above)" + FORCE)));
        }
        return out;
    }

    private static final String FORCE = "; refusing the reload (force it with POST /api/v1/reload?force=true, or run with --allow-empty-reload)";

    private static String names(KeepalivedConfig c) {
        return c.vrrpInstances().stream().map(VrrpInstance::name).collect(Collectors.joining(", "));
    }
}
