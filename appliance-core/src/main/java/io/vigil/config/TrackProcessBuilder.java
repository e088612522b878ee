package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code vrrp_track_process NAME { ... }}: run by the node ({@code io.vigil.node.ProcessTracker}, from /proc). */
final class TrackProcessBuilder extends BlockBuilder {
    private final String name;
    private Optional<String> process = Optional.empty();
    private List<String> params = List.of();
    private Optional<String> paramMatch = Optional.empty();
    private int weight = 1, quorum = 1, quorumMax = Integer.MAX_VALUE;
    private boolean reverse, fullCommand;
    private Duration forkDelay = Duration.ZERO, terminateDelay = Duration.ZERO;

    static final KeywordTable<TrackProcessBuilder> TABLE = new KeywordTable<TrackProcessBuilder>("vrrp_track_process")
            .acted("process", "matched exactly against /proc/PID/comm, or argv with parameters or `full_command`",
                    "process, params", (b, c) -> {
                        if (c.args().isEmpty()) { b.v.string(c); return; }
                        b.process = Optional.of(c.args().getFirst());
                        b.params = List.copyOf(c.args().subList(1, c.args().size()));
                    })
            .acted("param_match", "", "paramMatch", (b, c) -> b.v.string(c).ifPresent(m -> {
                if (m.equals("initial") || m.equals("partial")) b.paramMatch = Optional.of(m);
                else b.diags.warning(b.v.at(c, 0), "param_match '" + m + "': expected initial or partial; exact match used");
            }))
            .acted("weight", "", "weight, weightReverse", (b, c) -> {
                if (c.args().isEmpty()) { b.v.string(c); return; }
                b.weight = b.v.integer(c, c.args().getFirst(), -254, 254, "using 1").map(Long::intValue).orElse(b.weight);
                b.reverse = c.args().size() > 1 && c.args().get(1).equals("reverse");
                b.v.extraArgs(c, b.reverse ? 2 : 1);
            })
            .acted("quorum", "", "quorum", (b, c) -> b.quorum = b.v.int32(c, 1, 65535, "using 1").orElse(b.quorum))
            .acted("quorum_max", "", "quorumMax", (b, c) -> b.quorumMax = b.v.int32(c, 0, 65535, "no maximum").orElse(b.quorumMax))
            .acted("fork_delay", "", "forkDelay", (b, c) -> b.forkDelay = b.v.timer(c, 0, 3600, "using 0").orElse(b.forkDelay))
            .acted("terminate_delay", "", "terminateDelay",
                    (b, c) -> b.terminateDelay = b.v.timer(c, 0, 3600, "using 0").orElse(b.terminateDelay))
            .acted("delay", "sets fork_delay and terminate_delay", "forkDelay, terminateDelay",
                    (b, c) -> b.v.timer(c, 0, 3600, "using 0").ifPresent(d -> { b.forkDelay = d; b.terminateDelay = d; }))
            .acted("full_command", "matches /proc/PID/cmdline", "fullCommand", (b, c) -> { b.v.extraArgs(c, 0); b.fullCommand = true; });

    TrackProcessBuilder(Ctx cx, String name) {
        super(cx);
        this.name = name;
    }

    VrrpTrackProcess build(ConfigNode n) {
        for (ConfigNode c : n.children()) dispatch(TABLE, this, c, "in vrrp_track_process " + name);
        if (process.isEmpty()) diags.warning(n.where(), "vrrp_track_process " + name + " has no process line; it never has a quorum");
        if (quorumMax < quorum) diags.warning(n.where(), "vrrp_track_process " + name + ": quorum_max " + quorumMax
                + " is below quorum " + quorum + "; it can never be up");
        return new VrrpTrackProcess(name, process.orElse(""), params, paramMatch, weight, reverse, quorum, quorumMax,
                forkDelay, terminateDelay, fullCommand, n.where(), n);
    }
}
