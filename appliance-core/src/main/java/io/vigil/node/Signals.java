package io.vigil.node;

import io.vigil.linux.Libc;
import sun.misc.Signal;

/**
 * keepalived's signals: SIGHUP reloads the configuration, SIGTERM/SIGINT stop gracefully (priority-0 adverts,
 * VIPs removed, notify_stop). The JDK runs handlers on a short-lived thread; ours only enqueue a command.
 */
public final class Signals {
    private Signals() { }

    /**
     * {@code onStop} gets "SIGTERM" or "SIGINT". Like keepalived, the handlers go in whatever the process inherited:
     * a signal ignored by {@code nohup} or a script's {@code &} is first put back to its default, or the JDK would
     * silently keep it ignored. Returns the names of the signals that had been ignored.
     */
    public static java.util.List<String> install(Runnable onReload, java.util.function.Consumer<String> onStop) {
        var wasIgnored = new java.util.ArrayList<String>();
        handle("HUP", Libc.SIGHUP, s -> onReload.run(), wasIgnored);
        handle("TERM", Libc.SIGTERM, s -> onStop.accept("SIGTERM"), wasIgnored);
        handle("INT", Libc.SIGINT, s -> onStop.accept("SIGINT"), wasIgnored);
        return wasIgnored;
    }

    private static void handle(String name, int number, sun.misc.SignalHandler handler, java.util.List<String> wasIgnored) {
        if (Libc.signalDefault(number)) wasIgnored.add("SIG" + name);
        Signal.handle(new Signal(name), handler);
    }
}
