package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code vrrp_track_process NAME { process NAME [PARAM...]; param_match initial|partial; weight N [reverse];
 * quorum N; quorum_max N; fork_delay S; terminate_delay S; delay S; full_command }} (weight default 1, quorum 1).
 *
 * @param params     empty with {@code paramMatch} empty: the process may have any parameters
 * @param quorumMax  {@link Integer#MAX_VALUE} when not set
 */
public record VrrpTrackProcess(String name, String process, List<String> params, Optional<String> paramMatch,
                               int weight, boolean weightReverse, int quorum, int quorumMax, Duration forkDelay,
                               Duration terminateDelay, boolean fullCommand, SourceLocation where, ConfigNode node) {
    public VrrpTrackProcess { params = List.copyOf(params); }
}
