package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.Optional;

/** {@code track_file NAME { ... }} (and its deprecated synonym vrrp_track_file). */
final class TrackFileBuilder extends BlockBuilder {

    private final String name;
    private Optional<String> file = Optional.empty();
    private int weight = 1;
    private boolean reverse;
    private Optional<Integer> init = Optional.empty();
    private boolean overwrite;

    static final KeywordTable<TrackFileBuilder> TABLE = new KeywordTable<TrackFileBuilder>("track_file / vrrp_track_file")
            .acted("file", "read at start and whenever it changes (polled)", "file", (b, c) -> b.file = b.v.string(c))
            .acted("weight", "", "weight, weightReverse", (b, c) -> {
                if (c.args().isEmpty()) { b.v.string(c); return; }
                b.weight = b.v.integer(c, c.args().getFirst(), -254, 254, "using 1").map(Long::intValue).orElse(b.weight);
                b.reverse = c.args().size() > 1 && c.args().get(1).equals("reverse");
                b.v.extraArgs(c, b.reverse ? 2 : 1);
            })
            .acted("init_file", "written at start if absent, or always with `overwrite`", "initValue, initOverwrite", (b, c) -> {
                b.overwrite = c.args().contains("overwrite");
                if (!c.args().isEmpty() && !c.args().getFirst().equals("overwrite")) {
                    b.init = b.v.integer(c, c.args().getFirst(), Integer.MIN_VALUE, Integer.MAX_VALUE, "using 0")
                            .map(Long::intValue);
                } else {
                    b.init = Optional.of(0);
                }
            });

    TrackFileBuilder(Ctx cx, String name) {
        super(cx);
        this.name = name;
    }

    VrrpTrackFile build(ConfigNode n) {
        for (ConfigNode c : n.children()) dispatch(TABLE, this, c, "in track_file " + name);
        if (file.isEmpty()) diags.warning(n.where(), n.keyword() + " " + name + " has no file line");
        return new VrrpTrackFile(name, file.orElse(""), weight, reverse, init, n.where(), n, overwrite);
    }
}
