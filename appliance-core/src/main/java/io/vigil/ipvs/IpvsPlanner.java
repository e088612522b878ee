package io.vigil.ipvs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure: configured virtual servers + live real-server states (+ last quorum states) → the desired IPVS table,
 * following keepalived's rules:
 * <ul>
 *   <li>an alive real server is a destination with its effective weight;</li>
 *   <li>a failed one is removed, or kept with weight 0 under inhibit_on_failure;</li>
 *   <li>quorum: the pool is up while the alive weight sum ≥ quorum − hysteresis (and &gt; 0), and comes back
 *       up only at ≥ quorum + hysteresis; while it is down and a sorry_server is set, the alive real servers
 *       leave the pool (weight 0 if inhibited) and the sorry server enters it;</li>
 *   <li>sorry_server_inhibit keeps the sorry server in the table with weight 0 while it is not needed;</li>
 *   <li>a virtual_server_group gives every group entry the same real servers.</li>
 * </ul>
 */
public final class IpvsPlanner {
    /** keepalived's IPVS_WEIGHT_MAX */
    public static final int MAX_WEIGHT = 65535;

    /** Up with no check result (no checkers, or none has run): the common case, so no per-server text is built. */
    private static final RealServerState CONFIGURED = RealServerState.up("configured");

    private IpvsPlanner() {}

    public static DesiredState plan(List<VirtualServerSpec> virtualServers, Map<RealServerId, RealServerState> states,
                                    Map<String, Boolean> lastQuorum) {
        IpvsTable.Builder table = IpvsTable.builder();
        Map<ServiceKey, String> svcReasons = new HashMap<>();
        Map<DesiredState.DestRef, String> destReasons = new HashMap<>();
        Map<String, Boolean> quorum = new HashMap<>();

        for (VirtualServerSpec vs : virtualServers) {
            long aliveWeight = 0;
            RealServerState[] st = new RealServerState[vs.realServers().size()];
            for (int i = 0; i < st.length; i++) {
                RealServerSpec rs = vs.realServers().get(i);
                st[i] = stateOf(vs, rs, states);
                if (st[i].alive()) aliveWeight += effectiveWeight(rs, st[i]);
            }
            Boolean last = lastQuorum.get(vs.name());
            boolean up = last != null && last
                    ? aliveWeight > 0 && aliveWeight >= (long) vs.quorum() - vs.hysteresis()
                    : aliveWeight >= (long) vs.quorum() + vs.hysteresis();
            quorum.put(vs.name(), up);
            String quorumText = quorumText(vs, aliveWeight, up, last);
            boolean useSorry = !up && vs.sorryServer() != null;

            for (ServiceKey key : vs.keys()) {
                table.service(vs.serviceFor(key));
                svcReasons.put(key, "virtual_server " + vs.name() + " (" + vs.origin() + ")");
                for (int i = 0; i < st.length; i++) {
                    RealServerSpec rs = vs.realServers().get(i);
                    DesiredState.DestRef ref = new DesiredState.DestRef(key, rs.key());
                    IpvsDest dest = dest(vs, rs, effectiveWeight(rs, st[i]));
                    if (st[i].alive() && !useSorry) {
                        table.dest(key, dest);
                        if (st[i] != CONFIGURED) destReasons.put(ref, st[i].cause()); // else the diff words it
                    } else {
                        String why = st[i].alive() ? quorumText : st[i].cause();
                        if (rs.inhibitOnFailure()) {
                            table.dest(key, dest.withWeight(0));
                            why += " (inhibit_on_failure)";
                        }
                        destReasons.put(ref, why);
                    }
                }
                RealServerSpec sorry = vs.sorryServer();
                if (sorry != null) {
                    DesiredState.DestRef ref = new DesiredState.DestRef(key, sorry.key());
                    IpvsDest dest = dest(vs, sorry, Math.clamp(sorry.weight(), 0, MAX_WEIGHT));
                    if (useSorry) {
                        table.dest(key, dest);  // replaces a real server on the same address: it left the pool
                        destReasons.put(ref, quorumText + "; sorry_server");
                    } else if (!table.hasDest(key, sorry.key())) {
                        if (vs.sorryServerInhibit()) table.dest(key, dest.withWeight(0));
                        destReasons.put(ref, quorumText + "; sorry_server not needed"
                                + (vs.sorryServerInhibit() ? " (sorry_server_inhibit)" : ""));
                    }
                }
            }
        }
        return new DesiredState(table.build(), svcReasons, destReasons, quorum);
    }

    private static RealServerState stateOf(VirtualServerSpec vs, RealServerSpec rs, Map<RealServerId, RealServerState> states) {
        RealServerState s = states.get(new RealServerId(vs.name(), rs.key()));
        if (s != null) return s;
        return rs.startsDown() ? RealServerState.down("real_server " + rs.key() + " has no check result yet (alpha)") : CONFIGURED;
    }

    static int effectiveWeight(RealServerSpec rs, RealServerState s) {
        return Math.clamp(s.weight() != null ? s.weight() : rs.weight(), 0, MAX_WEIGHT);
    }

    private static IpvsDest dest(VirtualServerSpec vs, RealServerSpec rs, int weight) {
        ForwardMethod f = rs.forward() != null ? rs.forward() : vs.lbKind();
        return new IpvsDest(rs.key(), f, weight, rs.upperThreshold(), rs.lowerThreshold());
    }

    private static String quorumText(VirtualServerSpec vs, long alive, boolean up, Boolean last) {
        // the threshold that decided: quorum - hysteresis to stay up, quorum + hysteresis to come up
        String h = vs.hysteresis() == 0 ? "" : (last != null && last ? " - " : " + ") + "hysteresis " + vs.hysteresis();
        if (up) return "quorum up for " + vs.name() + " (alive weight " + alive + " ≥ quorum " + vs.quorum() + h + ")";
        return "quorum " + (last != null && last ? "lost" : "down") + " for " + vs.name()
                + " (alive weight " + alive + " < quorum " + vs.quorum() + h + ")";
    }
}
