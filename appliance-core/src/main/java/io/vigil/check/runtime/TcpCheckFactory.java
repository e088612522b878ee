package io.vigil.check.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetClientOptions;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.CheckResult;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.util.Set;

/** Built-in TCP_CHECK: the real server is up when a TCP connection to it completes within connect_timeout. */
public final class TcpCheckFactory implements CheckFactory {

    @Override public Set<String> keywords() { return Set.of("TCP_CHECK"); }

    @Override public Check create(ConfigNode block) throws CheckConfigException {
        ConfigValues.rejectUnknown(block, Set.of());
        // the prober's native calls are linked here, while checks are planned, not in the first probe on an event loop
        // (under load linking took longer than a 1 s connect_timeout plus the host's grace)
        try { TcpProber.get(); } catch (IllegalStateException e) { /* the first probe reports it */ }
        return new TcpCheck();
    }

    static final class TcpCheck implements Check {
        /**
         * One client per check, made at the first probe and reused: a client per probe cost ~1 KB of Vert.x
         * state each and, at 10k probes/s, was neither cheap nor promptly released (NodeScaleBench: 240k live).
         */
        private io.vertx.core.net.NetClient client;
        private int timeoutMs;
        private java.util.Optional<String> bindTo;

        /** The target, encoded once, when it is an IP literal (keepalived's real servers are); null: resolve via Vert.x. */
        private TcpProber.Target literal;
        private String literalOf;
        private int literalPort;

        @Override public Future<CheckResult> run(CheckContext ctx) {
            if (!ctx.address().equals(literalOf) || ctx.port() != literalPort) {
                literalOf = ctx.address();
                literalPort = ctx.port();
                try {
                    literal = TcpProber.Target.of(java.net.InetAddress.ofLiteral(ctx.address()), ctx.port());
                } catch (IllegalArgumentException e) {
                    literal = null;
                }
            }
            if (literal != null)
                return TcpProber.get().connect(literal, ctx.bindTo().orElse(null), Math.max(1, ctx.connectTimeout().toMillis()));
            long start = System.nanoTime();
            var client = client(ctx);
            Promise<CheckResult> p = Promise.promise();
            client.connect(ctx.port(), ctx.address()).onComplete(ar -> {
                if (ar.succeeded()) {
                    ar.result().close();
                    p.complete(CheckResult.up(CheckResult.since(start), "connected"));
                } else {
                    p.complete(CheckResult.down(CheckResult.since(start), "connect failed: " + ar.cause().getMessage()));
                }
            });
            return p.future();
        }

        /** Synchronized against {@link #close} from the host's thread; made again if the context's options change. */
        private synchronized io.vertx.core.net.NetClient client(CheckContext ctx) {
            int ms = (int) Math.max(1, ctx.connectTimeout().toMillis());
            if (client == null || ms != timeoutMs || !ctx.bindTo().equals(bindTo)) {
                if (client != null) client.close();
                NetClientOptions o = new NetClientOptions().setConnectTimeout(ms);
                ctx.bindTo().ifPresent(o::setLocalAddress);
                client = ctx.vertx().createNetClient(o);
                timeoutMs = ms;
                bindTo = ctx.bindTo();
            }
            return client;
        }

        @Override public synchronized void close() {
            if (client != null) client.close();
            client = null;
        }

        @Override public String describe(CheckContext ctx) { return "TCP_CHECK " + ctx.authority(0); }

        @Override public boolean nonBlocking() { return true; }
    }
}
