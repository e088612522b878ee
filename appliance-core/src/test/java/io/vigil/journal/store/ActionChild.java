package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import java.io.PrintStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process for the acknowledged-actions crash test: appends operator actions as the management API does and
 * prints "ack SEQ ID" for each one acknowledged, while another thread journals check results without waiting,
 * until killed. Mode "durable" uses {@link Journal#appendDurable} (the API's path); "orwait" the old appendOrWait.
 */
public final class ActionChild {
    public static void main(String[] args) {
        Journal j = Journal.open(JournalConfig.defaults(Path.of(args[0]), "acker"));
        boolean durable = !"orwait".equals(args[1]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false);
        Thread.ofPlatform().daemon(true).start(() -> {
            for (long i = 0; ; i++) {
                j.append(Cause.timer("check-interval"), new Event.CheckResult("TCP_CHECK", "198.51.100." + (i % 250) + ":80",
                        i % 7 != 0, 1000 + i, "", 1));
                if (i % 64 == 0) try { Thread.sleep(1); } catch (InterruptedException e) { return; }
            }
        });
        for (long id = 1; ; id++) {
            Event.OperatorAction a = new Event.OperatorAction("api", id % 2 == 0 ? "maintenance-on" : "maintenance-off", "VI_1 id-" + id);
            long seq = durable ? j.appendDurable(Cause.operator("api", "management API"), a, Duration.ofSeconds(5))
                    : j.appendOrWait(Cause.operator("api", "management API"), a, Duration.ofSeconds(5));
            if (seq < 0) continue;
            out.println("ack " + seq + " id-" + id); // the reply: only now may anyone see the seq
            out.flush();
        }
    }
}
