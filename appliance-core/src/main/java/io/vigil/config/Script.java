package io.vigil.config;

import io.vigil.check.api.SourceLocation;

import java.util.Optional;

/**
 * A script keepalived runs: notify_*, quorum_up/down, vrrp_script's script, misc_path. As in keepalived 2.x the
 * first word (or the quoted string) is the command line; a second and third word are the user and group to run
 * it as — so {@code notify_master /x.sh MASTER} means user "MASTER", exactly like keepalived.
 */
public record Script(String command, Optional<String> user, Optional<String> group, SourceLocation where) {}
