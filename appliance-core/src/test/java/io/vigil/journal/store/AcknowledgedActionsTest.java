package io.vigil.journal.store;

import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a process streaming acknowledged actions: every action it acknowledged is in the journal with the seq it
 * acknowledged, seqs are gap-free and unique, and the next writer continues after the last stored seq.
 */
class AcknowledgedActionsTest {
    @TempDir Path root;

    @Test
    void everyAcknowledgedActionSurvivesKillNineWithItsSeq() throws Exception {
        String mode = System.getProperty("vigil.test.ackMode", "durable"); // "orwait": the old path, to see it fail
        Random rnd = new Random();
        long totalAcks = 0;
        for (int round = 0; round < 3; round++) {
            Path dir = Files.createDirectory(root.resolve("j" + round));
            int killAfter = 2000 + rnd.nextInt(4000);
            ChildJvm child = new ChildJvm(ActionChild.class, dir.toString(), mode);
            try {
                child.await(l -> l.startsWith("ack ") && Long.parseLong(l.split(" ")[2].substring(3)) >= killAfter, 120);
                Thread.sleep(rnd.nextInt(20));
                child.process.destroyForcibly(); // SIGKILL
                assertThat(child.process.waitFor()).isEqualTo(137);
            } finally {
                child.close();
            }
            String out = awaitQuiet(child);
            Map<Long, String> acked = new HashMap<>();
            for (String l : out.split("\n")) {
                if (!l.startsWith("ack ")) continue;
                String[] f = l.split(" ");
                assertThat(acked.put(Long.parseLong(f[1]), f[2])).as("seq acknowledged twice: " + l).isNull();
            }
            assertThat(acked.size()).isGreaterThanOrEqualTo(killAfter);
            totalAcks += acked.size();

            long last;
            try (JournalReader r = JournalReader.open(dir)) {
                List<Entry> all = r.readAll();
                Map<Long, Entry> bySeq = new HashMap<>();
                Set<Long> seen = new HashSet<>();
                long expect = 1;
                for (Entry e : all) {
                    if (e.event().isAnnotation()) continue;
                    assertThat(seen.add(e.seq())).as("seq stored twice: " + e.seq()).isTrue();
                    assertThat(e.seq()).as("gap-free").isEqualTo(expect++);
                    bySeq.put(e.seq(), e);
                }
                last = expect - 1;
                long missing = 0;
                for (Map.Entry<Long, String> a : acked.entrySet()) {
                    Entry e = bySeq.get(a.getKey());
                    if (e == null || !(e.event() instanceof Event.OperatorAction oa) || !oa.detail().endsWith(" " + a.getValue())) missing++;
                }
                assertThat(missing).as("round " + round + " (" + mode + "): acknowledged actions not stored with their seq, of "
                        + acked.size()).isZero();
                JournalReader.VerifyResult v = r.verify();
                assertThat(v.ok()).as(v.toString()).isTrue();
            }
            try (Journal j = Journal.open(JournalConfig.defaults(dir, "acker"))) {
                long s = j.appendDurable(Cause.signal("SIGKILL"), new Event.NodeStarted("vigil test", 2), Duration.ofSeconds(10));
                assertThat(s).isEqualTo(last + 1);
                assertThat(acked.keySet()).allMatch(a -> a < s);
            }
        }
        System.out.println("acknowledged actions checked after 3 kill -9: " + totalAcks);
    }

    /** The child's output once its pipe is drained (no growth for 300 ms). */
    private static String awaitQuiet(ChildJvm child) throws InterruptedException {
        String prev = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(300);
            String now = child.output();
            if (now.length() == prev.length()) return now;
            prev = now;
        }
        return prev;
    }
}
