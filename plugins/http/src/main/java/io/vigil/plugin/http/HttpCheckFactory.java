package io.vigil.plugin.http;

import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/**
 * keepalived's HTTP_GET and SSL_GET:
 * <pre>
 * HTTP_GET {
 *     url {
 *         path /health
 *         digest 9b3a0c85a887a256d6939da88aabd8cd   # MD5 of the body (see vigil genhash)
 *         status_code 200-299                       # codes and ranges; default 2xx
 *         virtualhost www.example.com               # Host header (and TLS SNI with enable_sni)
 *         regex "ok|ready"                          # found in body; regex_no_match inverts
 *     }
 *     virtualhost www.example.com                   # default for every url
 *     enable_sni                                    # SSL_GET: send virtualhost as SNI
 *     http_protocol 1.0C                            # 1.0 (default), 1.0C (1.0 + Connection: close), 1.1 (+ Connection: close)
 *     connect_timeout 3                             # host-handled, with retry, delay_before_retry, connect_ip/port
 * }
 * </pre>
 * Every url must pass. TLS certificates are not verified (as in keepalived): the check is about health.
 */
@Extension
public final class HttpCheckFactory implements CheckFactory {
    static final Set<String> KEYWORDS = Set.of("url", "virtualhost", "enable_sni", "http_protocol");

    @Override public Set<String> keywords() { return Set.of("HTTP_GET", "SSL_GET"); }

    @Override public Check create(ConfigNode block) throws CheckConfigException {
        ConfigValues.rejectUnknown(block, KEYWORDS);
        List<UrlSpec> urls = new ArrayList<>();
        for (ConfigNode u : block.childrenNamed("url")) urls.add(UrlSpec.parse(u));
        if (urls.isEmpty()) throw new CheckConfigException(block.where(), block.keyword() + ": needs at least one url { path ... }");
        boolean ssl = block.keyword().equals("SSL_GET");
        // class loading and the JDK's TLS set-up happen here, on the loading thread, not on a probe's event loop
        HttpGet.preload();
        if (ssl) HttpGet.Tls.init();
        HttpProtocol protocol = HttpProtocol.HTTP_1_0;
        var p = block.child("http_protocol");
        if (p.isPresent()) protocol = HttpProtocol.parse(p.get());
        return new HttpCheck(ssl, urls, block.value("virtualhost"), block.child("enable_sni").isPresent(), protocol);
    }
}
