package io.vigil.check;

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
        return new TcpCheck();
    }

    static final class TcpCheck implements Check {
        @Override public Future<CheckResult> run(CheckContext ctx) {
            long start = System.nanoTime();
            NetClientOptions o = new NetClientOptions().setConnectTimeout((int) Math.max(1, ctx.connectTimeout().toMillis()));
            ctx.bindTo().ifPresent(o::setLocalAddress);
            var client = ctx.vertx().createNetClient(o);
            Promise<CheckResult> p = Promise.promise();
            client.connect(ctx.port(), ctx.address()).onComplete(ar -> {
                if (ar.succeeded()) {
                    ar.result().close();
                    p.complete(CheckResult.up(CheckResult.since(start), "connected"));
                } else {
                    p.complete(CheckResult.down(CheckResult.since(start), "connect failed: " + ar.cause().getMessage()));
                }
                client.close();
            });
            return p.future();
        }

        @Override public String describe(CheckContext ctx) { return "TCP_CHECK " + ctx.authority(0); }

        @Override public boolean nonBlocking() { return true; }
    }
}
