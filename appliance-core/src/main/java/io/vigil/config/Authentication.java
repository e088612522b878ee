package io.vigil.config;

import io.vigil.check.api.SourceLocation;

/** {@code authentication { auth_type PASS|AH; auth_pass SECRET }}; keepalived uses only the first 8 characters. */
public record Authentication(AuthType type, String password, SourceLocation where) {
    @Override public String toString() { return "Authentication[" + type + ", password=***, " + where + "]"; }
}
