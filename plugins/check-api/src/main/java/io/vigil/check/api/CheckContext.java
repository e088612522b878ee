package io.vigil.check.api;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the host hands a check for one probe.
 *
 * @param vertx          the host's Vert.x instance for checks (never the VRRP thread)
 * @param address        target address: {@code connect_ip} if configured, else the real server's address
 *                       (for a vrrp_script tracker: {@code connect_ip} or 127.0.0.1)
 * @param port           target port: {@code connect_port} if configured, else the real server's port
 *                       (0 if neither is known — plugins then use their protocol's default)
 * @param connectTimeout {@code connect_timeout} (keepalived default 5 s)
 * @param timeout        the whole probe's budget; the host gives up on the probe after it
 * @param bindTo         {@code bindto} source address, if configured
 * @param name           the owner, for messages: {@code 10.0.0.13:80} or the vrrp_script name
 * @param abort          tells the check when the host gives up on the current probe (its deadline passed), so it
 *                       can close what the probe holds; {@link Abort#NEVER} outside a host
 */
public record CheckContext(Vertx vertx, String address, int port, Duration connectTimeout, Duration timeout,
                           Optional<String> bindTo, String name, Abort abort) {
    public CheckContext {
        Objects.requireNonNull(vertx, "vertx");
        abort = abort == null ? Abort.NEVER : abort;
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(timeout, "timeout");
        bindTo = bindTo == null ? Optional.empty() : bindTo;
        name = name == null ? address + ":" + port : name;
    }

    /** A context whose probes the host never gives up on (tests, tools). */
    public CheckContext(Vertx vertx, String address, int port, Duration connectTimeout, Duration timeout,
                        Optional<String> bindTo, String name) {
        this(vertx, address, port, connectTimeout, timeout, bindTo, name, Abort.NEVER);
    }

    /** A context without bindto, named after the target. */
    public static CheckContext of(Vertx vertx, String address, int port, Duration connectTimeout, Duration timeout) {
        return new CheckContext(vertx, address, port, connectTimeout, timeout, Optional.empty(), null);
    }

    /** {@code port} if known, else {@code fallback} (a plugin's protocol default, e.g. 3306). */
    public int portOr(int fallback) { return port > 0 ? port : fallback; }

    /** Target as {@code host:port}, with IPv6 literals bracketed. */
    public String authority(int defaultPort) {
        String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return host + ":" + portOr(defaultPort);
    }
}
