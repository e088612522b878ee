package io.vigil.config;

import io.vigil.check.api.SourceLocation;

/** {@code sorry_server IP [PORT]}: put in the pool when quorum is lost. */
public record SorryServer(String ip, int port, SourceLocation where) {}
