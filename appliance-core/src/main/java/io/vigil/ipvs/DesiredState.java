package io.vigil.ipvs;

import java.util.Map;

/**
 * What IPVS should hold, plus the reasons behind each entry so that a diff can say why it changes things.
 *
 * @param table         services and destinations to program
 * @param serviceReasons why each service exists ("virtual_server 192.0.2.10 80 (keepalived.conf:12)")
 * @param destReasons   why each destination is present, absent or has its weight — also for destinations that
 *                      are configured but deliberately left out (failed check, quorum lost); a destination in
 *                      the table without an entry is there just because it is configured (no check result)
 * @param quorumUp      quorum state per virtual server name, to feed back into the next computation (hysteresis)
 */
public record DesiredState(IpvsTable table, Map<ServiceKey, String> serviceReasons,
                           Map<DestRef, String> destReasons, Map<String, Boolean> quorumUp) {

    /** A destination within a service. */
    public record DestRef(ServiceKey service, DestKey dest) {}

    public DesiredState {
        serviceReasons = Map.copyOf(serviceReasons);
        destReasons = Map.copyOf(destReasons);
        quorumUp = Map.copyOf(quorumUp);
    }
}
