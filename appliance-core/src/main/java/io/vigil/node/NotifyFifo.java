package io.vigil.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * keepalived's notify_fifo / vrrp_notify_fifo: one line per state change, {@code INSTANCE "VI_1" MASTER 100}.
 * Created with mkfifo if missing and opened read-write, as keepalived does, so opening never waits for a reader.
 * Written only from the notify executor: a full pipe (no reader) blocks that thread, never the VRRP thread.
 */
public final class NotifyFifo implements AutoCloseable {
    private final Path path;
    private final FileChannel ch;

    public NotifyFifo(Path path) throws IOException {
        this.path = path;
        if (!Files.exists(path)) {
            try {
                Process p = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (p.waitFor() != 0) throw new IOException("mkfifo " + path + ": " + out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted creating " + path, e);
            }
        }
        this.ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    public Path path() { return path; }

    /** keepalived's exact line: TYPE "NAME" STATE PRIORITY. */
    public static String line(String type, String name, String state, int priority) {
        return type + " \"" + name + "\" " + state + " " + priority + "\n";
    }

    public synchronized void write(String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) ch.write(b);
    }

    @Override public synchronized void close() throws IOException { ch.close(); }
}
