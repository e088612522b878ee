package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code vrrp_script NAME { ... }}. */
final class VrrpScriptBuilder extends BlockBuilder {
    private final String name;
    private Optional<Script> script = Optional.empty();
    private Duration interval = Duration.ofSeconds(1);
    private Optional<Duration> timeout = Optional.empty();
    private int weight, rise = 1, fall = 1;
    private boolean reverse, initFail;
    private Optional<String> user = Optional.empty(), group = Optional.empty();
    private boolean checker;

    static final KeywordTable<VrrpScriptBuilder> TABLE = new KeywordTable<VrrpScriptBuilder>("vrrp_script")
            .acted("script", "", "script", (b, c) -> b.script = b.script(c))
            .acted("interval", "", "interval", (b, c) -> b.interval = b.v.timer(c, 0.000001, 86400, "using 1").orElse(b.interval))
            .acted("timeout", "", "timeout", (b, c) -> b.timeout = b.v.timer(c, 0.000001, 86400, "using the interval"))
            .acted("weight", "a `track_script` weight overrides it", "weight, weightReverse", (b, c) -> {
                if (c.args().isEmpty()) { b.v.string(c); return; }
                b.weight = b.v.integer(c, c.args().getFirst(), -253, 253, "using 0").map(Long::intValue).orElse(b.weight);
                b.reverse = c.args().size() > 1 && c.args().get(1).equals("reverse");
                b.v.extraArgs(c, b.reverse ? 2 : 1);
            })
            .acted("rise", "", "rise", (b, c) -> b.rise = b.v.int32(c, 1, Integer.MAX_VALUE, "using 1").orElse(b.rise))
            .acted("fall", "", "fall", (b, c) -> b.fall = b.v.int32(c, 1, Integer.MAX_VALUE, "using 1").orElse(b.fall))
            .acted("user", "`USER [GROUP]`: the script runs as that user (and group; default the user's own), as keepalived; "
                    + "without it as global `script_user`", "user", (b, c) -> {
                if (c.args().isEmpty()) { b.user = b.v.string(c); return; } // warned: no value
                b.user = Optional.of(c.args().getFirst());
                b.group = c.args().size() > 1 ? Optional.of(c.args().get(1)) : Optional.empty();
                b.v.extraArgs(c, 2);
            })
            .acted("init_fail", "", "initFail", (b, c) -> { b.v.flag(c); b.initFail = true; });

    VrrpScriptBuilder(Ctx cx, String name) {
        super(cx);
        this.name = name;
    }

    VrrpScript build(ConfigNode n) {
        for (ConfigNode c : n.children()) {
            // Vigil's extension: a checker block instead of a script line; its plugin validates the block
            if (Keywords.CHECKER_SPECIFIC.containsKey(c.keyword()) || cx.options().extraCheckerKeywords().contains(c.keyword())) {
                checker = true;
            } else if (c.hasBlock() && c.keyword().matches("[A-Z][A-Z0-9_]*_(CHECK|GET)")) {
                diags.warning(c.where(), "unknown checker '" + c.keyword() + "' in vrrp_script " + name
                        + ": not a keepalived checker and no plugin claims it; ignored");
            } else {
                dispatch(TABLE, this, c, "in vrrp_script " + name);
            }
        }
        if (script.isEmpty() && !checker) {
            diags.warning(n.where(), "vrrp_script " + name + " has no script line; it will never succeed");
        }
        Script s = script.orElse(new Script("", Optional.empty(), Optional.empty(), n.where()));
        // `user USER [GROUP]` wins over words after the script line (keepalived 2.x reads either)
        if (user.isPresent()) s = new Script(s.command(), user, group, s.where());
        return new VrrpScript(name, s, interval, timeout.orElse(interval), weight, reverse, rise, fall, initFail, user,
                n.where(), n);
    }
}
