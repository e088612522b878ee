package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.util.Optional;

/** {@code vrrp_track_file NAME { file PATH; weight N [reverse]; init_file [VALUE] [overwrite] }} (weight default 1). */
public record VrrpTrackFile(String name, String file, int weight, boolean weightReverse, Optional<Integer> initValue,
                            SourceLocation where, ConfigNode node, boolean initOverwrite) {
    public VrrpTrackFile(String name, String file, int weight, boolean weightReverse, Optional<Integer> initValue,
                         SourceLocation where, ConfigNode node) {
        this(name, file, weight, weightReverse, initValue, where, node, false);
    }
}
