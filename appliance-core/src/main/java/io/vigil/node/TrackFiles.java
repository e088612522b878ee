package io.vigil.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code track_file}: the number written in each file, read at start and whenever it changes, as keepalived 2.2.7
 * reads it (the text's leading integer, C strtol base 0; a missing or empty file is 0; a number outside the int
 * range is logged and ignored). keepalived is told by inotify; Vigil polls every {@link #POLL} (a stat and a
 * read of at most 127 bytes per file), on a thread of its own, and hands changes to the VRRP thread.
 */
public final class TrackFiles implements AutoCloseable {
    static final Duration POLL = Duration.ofMillis(200);

    /** {@code init}: init_file VALUE (written when the file is absent, always with {@code overwrite}). */
    public record Spec(String name, Path file, Optional<Integer> init, boolean overwrite) {}

    @FunctionalInterface
    public interface Listener { void changed(String name, long value); }

    private final List<Spec> specs;
    private final Listener listener;
    private final Map<String, Long> values = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("vrrp-track-file").daemon().factory());

    /** Writes init_file values and reads every file once (the values an instance starts with). */
    public TrackFiles(List<Spec> specs, Listener listener) {
        this.specs = List.copyOf(specs);
        this.listener = listener;
        for (Spec s : specs) {
            if (s.init().isPresent() && (s.overwrite() || !Files.exists(s.file()))) {
                try {
                    Files.writeString(s.file(), s.init().get() + "\n");
                } catch (IOException e) {
                    NodeLog.warn("track_file " + s.name() + ": cannot initialise " + s.file() + ": " + e.getMessage());
                }
            }
            values.put(s.name(), read(s).orElse(0L));
        }
    }

    public synchronized Map<String, Long> values() { return Map.copyOf(values); }

    public void start() {
        timer.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        for (Spec s : specs) {
            Optional<Long> v = read(s);
            if (v.isEmpty()) continue;
            synchronized (this) {
                Long old = values.put(s.name(), v.get());
                if (old != null && old.longValue() == v.get()) continue;
            }
            NodeLog.info("track_file " + s.name() + " (" + s.file() + ") now " + v.get());
            listener.changed(s.name(), v.get());
        }
    }

    /** The value in the file; empty when it is not a number keepalived would take (the old value stays). */
    static Optional<Long> read(Spec s) {
        byte[] buf;
        try (InputStream in = Files.newInputStream(s.file())) {
            buf = in.readNBytes(127);
        } catch (NoSuchFileException e) {
            return Optional.of(0L);
        } catch (IOException e) {
            return Optional.of(0L); // keepalived: a file it cannot open reads as 0
        }
        Optional<Long> v = strtol(new String(buf, StandardCharsets.US_ASCII));
        if (v.isEmpty()) NodeLog.info("track_file " + s.name() + ": invalid number read from " + s.file());
        return v;
    }

    /** C strtol(text, NULL, 0) limited to int: leading blanks, sign, 0x / 0 prefixes; no digits = 0. */
    static Optional<Long> strtol(String text) {
        int i = 0, n = text.length();
        while (i < n && Character.isWhitespace(text.charAt(i))) i++;
        boolean neg = false;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) neg = text.charAt(i++) == '-';
        int radix = 10;
        if (i + 1 < n && text.charAt(i) == '0' && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')
                && i + 2 < n && Character.digit(text.charAt(i + 2), 16) >= 0) { radix = 16; i += 2; }
        else if (i < n && text.charAt(i) == '0') radix = 8;
        long v = 0;
        for (; i < n; i++) {
            int d = Character.digit(text.charAt(i), radix);
            if (d < 0) break;
            v = v * radix + d;
            if (v > 1L << 32) return Optional.empty(); // beyond int either way
        }
        v = neg ? -v : v;
        return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? Optional.empty() : Optional.of(v);
    }

    @Override public void close() { timer.shutdownNow(); }
}
