package io.vigil.journal.store;

import io.vigil.cli.Main;
import io.vigil.journal.Cause;
import io.vigil.journal.Entry;
import io.vigil.journal.Event;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a power cut leaves on disk (the appliance test cuts qemu's power): every page the writer msynced, and any other
 * page as the OS last wrote it back, older or newer. Chronicle's msync covers the data written since the last one, not
 * the cycle header's page (writePosition) nor the queue's metadata (lastIndexMSynced), so those can be older than the
 * data. The states here are built from the bytes a real writer left, then aged page by page as a power cut can.
 */
class PowerCutTest {
    @TempDir Path dir;
    private static final long HOUR = 3_600_000L;
    /** Chronicle's time for the queue (the cycle file an entry goes to): five seconds before an hour ends. */
    private final AtomicLong queueMs = new AtomicLong(HOUR * 490_000 + HOUR - 5_000);
    private final TimeProvider queueTime = new TimeProvider() {
        @Override public long currentTimeMillis() { return queueMs.get(); }
        @Override public long currentTimeMicros() { return queueMs.get() * 1_000; }
        @Override public long currentTimeNanos() { return queueMs.get() * 1_000_000; }
    };

    private JournalConfig cfg() { return JournalConfig.defaults(dir, "lb1").withQueueTime(queueTime); }

    private static void mark(Journal j, int from, int to) {
        for (int i = from; i < to; i++)
            j.append(Cause.operator("root", "cli"), new Event.OperatorAction("root", "mark", String.format("marker-%03d", i)));
        assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
    }

    private List<Path> cycleFiles() throws Exception {
        try (var s = Files.list(dir)) { return s.filter(p -> p.toString().endsWith(".cq4")).sorted().toList(); }
    }

    private static byte[] read(Path f, long off, int n) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) { byte[] b = new byte[n]; raf.seek(off); raf.readFully(b); return b; }
    }

    private static void write(Path f, long off, byte[] b) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) { raf.seek(off); raf.write(b); }
    }

    private String cli(int expectRc, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int rc = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        assertThat(rc).as(String.join(" ", args) + "\n" + out + err).isEqualTo(expectRc);
        return out.toString();
    }

    private List<String> markers() {
        try (JournalReader r = JournalReader.open(dir)) {
            List<String> out = new ArrayList<>();
            for (Entry e : r.readAll()) if (e.event() instanceof Event.OperatorAction a) out.add(a.detail());
            return out;
        }
    }

    /**
     * The lab's failing run: the power cut came minutes after the queue rolled to a new hour. The old file ends with
     * Chronicle's end-of-file marker (0xC0000000, then the field name "EOF") while its header page on disk still
     * names an earlier excerpt as the last. That is a whole, intact file, not damage.
     */
    @Test
    void aRolledFileWhoseHeaderPageIsOlderThanItsDataReadsWhole() throws Exception {
        byte[] page0;
        try (Journal j = Journal.open(cfg())) {
            mark(j, 0, 3);
            page0 = read(cycleFiles().get(0), 0, 4096); // what the OS wrote back of the header page, then no more
            mark(j, 3, 6);
            queueMs.addAndGet(10_000); // the next hour: the queue rolls on
            mark(j, 6, 9);
        }
        List<Path> files = cycleFiles();
        assertThat(files).hasSize(2);
        Path old = files.get(0);
        write(old, 0, page0);

        try (JournalReader r = JournalReader.open(dir)) {
            JournalReader.VerifyResult v = r.verify();
            assertThat(v.ok()).as(v.toString()).isTrue();
            assertThat(v.problems()).isEmpty();
            assertThat(v.note()).doesNotContain("unfinished");
        }
        assertThat(markers()).hasSize(9).endsWith("marker-008");
        assertThat(cli(0, "journal", "verify", "--dir", dir.toString())).contains("OK");
        assertThat(cli(0, "journal", "show", "--dir", dir.toString())).contains("marker-005").contains("marker-008");
        try (Journal j = Journal.open(cfg())) { mark(j, 9, 10); }
        assertThat(markers()).hasSize(10);
        try (var s = Files.list(dir)) { assertThat(s.filter(p -> p.toString().contains(".unfinished-"))).isEmpty(); }
    }

    /**
     * A power cut while the last excerpt was being copied: its bytes are on disk, its header is not, and neither the
     * header page nor the metadata reached the disk after the last msync. Past what was msynced that is an unfinished
     * write; the next writer keeps its bytes aside, clears them and appends after the last whole entry.
     */
    @Test
    void anUnsyncedTornWriteIsUnfinishedAndTheNextWriterClearsItBeforeAppending() throws Exception {
        byte[] page0, meta;
        Path metaFile = dir.resolve("metadata.cq4t");
        try (Journal j = Journal.open(cfg())) {
            mark(j, 0, 5);
            Thread.sleep(100); // the writer's idle msync: markers 0..4 are on disk, and the metadata says so
            page0 = read(cycleFiles().get(0), 0, 4096);
            meta = Files.readAllBytes(metaFile);
            mark(j, 5, 8);
        }
        Path file = cycleFiles().get(0);
        // the last excerpt (marker-007): header word zero, its bytes left as they are
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0, lastData = -1;
        for (int h; (h = b.getInt(pos)) != 0; pos = (pos + 4 + (h & 0x3FFFFFFF) + 3) & ~3)
            if ((h & 0x40000000) == 0) lastData = pos;
        int len = b.getInt(lastData) & 0x3FFFFFFF;
        write(file, lastData, new byte[4]);
        write(file, 0, page0);

        // with the metadata saying every excerpt was msynced, the same bytes are damage (a header hiding an entry)
        try (JournalReader r = JournalReader.open(dir)) {
            assertThat(r.verify().ok()).as("msynced, then damaged").isFalse();
        }
        Files.write(metaFile, meta); // the metadata page as it was at the last msync the OS wrote back
        try (JournalReader r = JournalReader.open(dir)) {
            JournalReader.VerifyResult v = r.verify();
            assertThat(v.ok()).as(v.toString()).isTrue();
            assertThat(v.note()).contains("unfinished write at the end of cycle file " + file.getFileName() + " byte " + lastData);
        }
        assertThat(markers()).hasSize(7).endsWith("marker-006");
        byte[] tornBytes = read(file, lastData + 4, len);

        try (Journal j = Journal.open(cfg())) { mark(j, 100, 103); }
        Path side = dir.resolve(file.getFileName() + ".unfinished-" + (lastData + 4));
        assertThat(side).exists();
        byte[] kept = Files.readAllBytes(side);
        assertThat(kept.length).isLessThanOrEqualTo(len);
        assertThat(tornBytes).startsWith(kept); // up to its last non-zero byte
        assertThat(markers()).containsExactly("marker-000", "marker-001", "marker-002", "marker-003", "marker-004",
                "marker-005", "marker-006", "marker-100", "marker-101", "marker-102");
        try (JournalReader r = JournalReader.open(dir)) {
            JournalReader.VerifyResult v = r.verify();
            assertThat(v.ok()).as(v.toString()).isTrue();
            assertThat(v.note()).doesNotContain("unfinished");
        }
    }

    /** Chronicle msyncs only the file it writes: the writer msyncs the old one before the queue rolls on. */
    @Test
    void theOldFileIsMsyncedBeforeTheQueueRollsOn() throws Exception {
        JournalConfig c = cfg();
        long lastOld;
        try (EntryWriter w = new EntryWriter(c)) {
            for (int i = 1; i <= 3; i++)
                w.append(new Entry("lb1", i, i, i, Cause.NONE, new Event.OperatorAction("root", "mark", "m" + i)));
            lastOld = w.queue().lastIndex();
            assertThat(w.queue().tableStoreGet(JournalReader.MSYNCED_KEY)).as("nothing msynced yet").isLessThan(lastOld);
            queueMs.addAndGet(10_000);
            w.append(new Entry("lb1", 4, 4, 4, Cause.NONE, new Event.OperatorAction("root", "mark", "m4")));
            long w4 = w.queue().tableStoreGet(JournalReader.MSYNCED_KEY);
            assertThat(w4).as("msynced through the old file's last excerpt").isEqualTo(lastOld);
            try (JournalReader r = new JournalReader(w.queue(), false)) {
                int oldCycle = w.queue().rollCycle().toCycle(lastOld);
                assertThat(r.synced(oldCycle)).as("all of the old file's excerpts").isEqualTo(w.queue().rollCycle().toSequenceNumber(lastOld) + 1);
                assertThat(r.synced(oldCycle - 1)).isEqualTo(Long.MAX_VALUE);
                assertThat(r.synced(oldCycle + 1)).isZero();
            }
        }
        try (var q = SingleChronicleQueueBuilder.binary(dir).rollCycle(c.rollCycle()).readOnly(true).build()) {
            assertThat(q.tableStoreGet(JournalReader.MSYNCED_KEY)).as("closing msyncs the rest").isGreaterThan(lastOld);
        }
    }
}
