package io.vigil.cli;

import io.vertx.core.Vertx;
import io.vigil.api.ReplayServer;
import io.vigil.journal.store.JournalException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code vigil replay --journal A --journal B}: the forensic UI over the journals of several directors;
 * {@code vigil replay --bundle FILE}: over an incident bundle exported from that UI, verified before it is served.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Serve the replay UI over one or more directors' journals (copies or live directories).")
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = {"-j", "--journal"}, paramLabel = "DIR",
            description = "A journal directory; repeat once per director.")
    List<Path> journals;

    @Option(names = "--bundle", paramLabel = "FILE",
            description = "An incident bundle (exported by the replay UI): every hash is checked before it is served.")
    Path bundle;

    @Option(names = "--listen", defaultValue = "127.0.0.1:9180", paramLabel = "HOST:PORT",
            description = "Address to serve on (default: ${DEFAULT-VALUE}).")
    String listen;

    @Override public Integer call() throws InterruptedException {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) { System.err.println("vigil replay: --listen wants HOST:PORT, got " + listen); return 2; }
        if ((journals == null || journals.isEmpty()) == (bundle == null)) {
            System.err.println("vigil replay: give --journal DIR (once per director) or --bundle FILE");
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        String host = listen.substring(0, colon);
        int port = Integer.parseInt(listen.substring(colon + 1));
        try (ReplayServer s = bundle != null ? ReplayServer.startBundle(vertx, bundle, host, port)
                : ReplayServer.start(vertx, journals, host, port)) {
            if (!s.verified().isEmpty()) System.out.println(s.verified());
            System.out.println("replay UI: http://" + host + ":" + s.port() + "/replay/");
            System.out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        } catch (JournalException e) {
            System.err.println("vigil replay: " + e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            System.err.println("vigil replay: " + e.getMessage());
            return 1;
        } finally {
            vertx.close();
        }
        return 0;
    }
}
