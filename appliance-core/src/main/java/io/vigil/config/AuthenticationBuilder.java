package io.vigil.config;

import io.vigil.check.api.ConfigNode;

import java.util.Optional;

/** {@code authentication { auth_type PASS|AH; auth_pass SECRET }} of a vrrp_instance. */
final class AuthenticationBuilder extends BlockBuilder {
    private final String name;
    private AuthType type;
    private String pass;

    static final KeywordTable<AuthenticationBuilder> TABLE = new KeywordTable<AuthenticationBuilder>("vrrp_instance › authentication")
            .acted("auth_type", "PASS; AH refused with a file:line error", "authentication.type", (b, c) -> {
                Optional<String> t = b.v.string(c);
                if (t.isEmpty()) return;
                switch (t.get()) {
                    case "PASS" -> b.type = AuthType.PASS;
                    case "AH" -> b.type = AuthType.AH;
                    default -> b.diags.warning(b.v.at(c, 0), "(" + b.name + ") auth_type '" + t.get()
                            + "' is not valid: keepalived accepts PASS or AH; no authentication");
                }
            })
            .acted("auth_pass", "VRRPv2; truncated to 8", "authentication.password", (b, c) -> {
                Optional<String> p = b.v.string(c);
                if (p.isEmpty()) return;
                b.pass = p.get();
                if (b.pass.length() > 8) {
                    b.diags.warning(b.v.at(c, 0), "(" + b.name + ") auth_pass is longer than 8 characters; truncated to 8 "
                            + "(as keepalived does)");
                    b.pass = b.pass.substring(0, 8);
                }
            });

    AuthenticationBuilder(Ctx cx, String name) {
        super(cx);
        this.name = name;
    }

    Optional<Authentication> build(ConfigNode block) {
        for (ConfigNode c : block.children()) dispatch(TABLE, this, c, "in authentication of vrrp_instance " + name);
        if (type == null) return Optional.empty();
        if (pass == null) {
            diags.warning(block.where(), "(" + name + ") authentication has auth_type but no auth_pass; no authentication");
            return Optional.empty();
        }
        return Optional.of(new Authentication(type, pass, block.where()));
    }
}
