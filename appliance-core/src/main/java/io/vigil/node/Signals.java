package io.vigil.node;

import sun.misc.Signal;

/**
 * keepalived's signals: SIGHUP reloads the configuration, SIGTERM/SIGINT stop gracefully (priority-0 adverts,
 * VIPs removed, notify_stop). The JDK runs handlers on a short-lived thread; ours only enqueue a command.
 */
public final class Signals {
    private Signals() { }

    /** {@code onStop} gets "SIGTERM" or "SIGINT". */
    public static void install(Runnable onReload, java.util.function.Consumer<String> onStop) {
        Signal.handle(new Signal("HUP"), s -> onReload.run());
        Signal.handle(new Signal("TERM"), s -> onStop.accept("SIGTERM"));
        Signal.handle(new Signal("INT"), s -> onStop.accept("SIGINT"));
    }
}
