package io.vigil.cli;

import io.vertx.core.Vertx;
import io.vigil.api.ReplayServer;
import io.vigil.journal.JournalException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code vigil replay --journal A --journal B}: the forensic UI over the journals of several directors. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Serve the replay UI over one or more directors' journals (copies or live directories).")
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = {"-j", "--journal"}, required = true, paramLabel = "DIR",
            description = "A journal directory; repeat once per director.")
    List<Path> journals;

    @Option(names = "--listen", defaultValue = "127.0.0.1:9180", paramLabel = "HOST:PORT",
            description = "Address to serve on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Override public Integer call() throws InterruptedException {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) { System.err.println("vigil replay: --listen wants HOST:PORT, got " + listen); return 2; }
        Vertx vertx = Vertx.vertx();
        try (ReplayServer s = ReplayServer.start(vertx, journals, listen.substring(0, colon),
                Integer.parseInt(listen.substring(colon + 1)))) {
            System.out.println("replay UI: http://" + listen.substring(0, colon) + ":" + s.port() + "/replay/");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        } catch (JournalException e) {
            System.err.println("vigil replay: " + e.getMessage());
            return 1;
        } finally {
            vertx.close();
        }
        return 0;
    }
}
