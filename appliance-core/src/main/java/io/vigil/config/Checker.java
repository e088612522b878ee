package io.vigil.config;

import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;

import java.time.Duration;
import java.util.Optional;

/**
 * A checker block inside real_server (HTTP_GET, TCP_CHECK, MISC_CHECK, ... or a keyword a plugin claims). The
 * block itself is kept as {@link #node()} for the plugin; the options every checker shares are extracted with
 * keepalived's inheritance already applied (checker, then real_server, then virtual_server, then default):
 * connect_timeout 5s; retry 1 (HTTP_GET/SSL_GET 1, DNS_CHECK 3, MISC_CHECK 0); delay_before_retry 1s (HTTP_GET/SSL_GET
 * 3s, DNS_CHECK delay_loop); delay_loop 60s; warmup none. {@code nb_get_retry} is accepted as {@code retry}.
 *
 * @param builtIn false for a block claimed by a plugin rather than known to keepalived
 * @param connectIp   connect_ip, default the real server's address
 * @param connectPort connect_port, default the real server's port
 */
public record Checker(String type, boolean builtIn, Duration connectTimeout, int retry, Duration delayBeforeRetry,
                      Duration delayLoop, Optional<Duration> warmup, Optional<String> connectIp,
                      Optional<Integer> connectPort, Optional<String> bindTo, Optional<Boolean> alpha,
                      SourceLocation where, ConfigNode node) {}
