package io.vigil.plugin.http;

import io.netty.handler.codec.http.HttpVersion;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;

/**
 * keepalived's {@code http_protocol}: the request line's version and whether {@code Connection: close} is sent.
 * Every probe uses a connection of its own either way, and Vigil closes it after the response.
 */
enum HttpProtocol {
    /** keepalived's default: {@code GET path HTTP/1.0}, no Connection header (an HTTP/1.0 server closes). */
    HTTP_1_0(HttpVersion.HTTP_1_0, false),
    /** "1.0C": HTTP/1.0 with {@code Connection: close}. */
    HTTP_1_0C(HttpVersion.HTTP_1_0, true),
    /** "1.1": HTTP/1.1 with {@code Connection: close}. */
    HTTP_1_1(HttpVersion.HTTP_1_1, true);

    private final HttpVersion version;
    private final boolean connectionClose;

    HttpProtocol(HttpVersion version, boolean connectionClose) {
        this.version = version;
        this.connectionClose = connectionClose;
    }

    HttpVersion version() { return version; }

    boolean connectionClose() { return connectionClose; }

    static HttpProtocol parse(ConfigNode node) throws CheckConfigException {
        String v = ConfigValues.arg(node);
        return switch (v) {
            case "1.0" -> HTTP_1_0;
            case "1.0C", "1.0c" -> HTTP_1_0C;
            case "1.1" -> HTTP_1_1;
            default -> throw new CheckConfigException(node.where(), "http_protocol: '" + v + "' is not 1.0, 1.0C or 1.1");
        };
    }
}
