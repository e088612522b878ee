package io.vigil.config.source;

import io.vigil.config.ConfigSource;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/** The {@link ConfigSource} of a running host: its file system, its node name, the loading thread's interrupt. */
public final class FileConfigSource implements ConfigSource {
    public static final FileConfigSource INSTANCE = new FileConfigSource();

    private FileConfigSource() {}

    @Override
    public String defaultConfigId() {
        String host = null;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            host = System.getenv("HOSTNAME");
        }
        if (host == null || host.isEmpty()) return "localhost";
        int dot = host.indexOf('.');
        return dot > 0 ? host.substring(0, dot) : host;
    }

    @Override
    public String resolve(String dir, String name) { return dir(dir).resolve(name).toString(); }

    @Override
    public boolean isAbsolute(String name) { return Path.of(name).isAbsolute(); }

    @Override
    public boolean isDirectory(String path) { return Files.isDirectory(Path.of(path)); }

    @Override
    public List<String> glob(String dir, String pattern) throws IOException {
        Path full = dir(dir).resolve(pattern);
        // split into the longest wildcard-free directory prefix and the pattern below it
        Path root = full.getRoot() != null ? full.getRoot() : Path.of("");
        Path prefix = root;
        int i = 0;
        for (; i < full.getNameCount(); i++) {
            String part = full.getName(i).toString();
            if (ConfigSource.hasGlob(part)) break;
            prefix = prefix.resolve(part);
        }
        if (!Files.isDirectory(prefix)) return List.of();
        String rest = full.subpath(i, full.getNameCount()).toString();
        int depth = full.getNameCount() - i;
        var matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        final Path top = prefix;
        try (Stream<Path> walk = Files.walk(top, depth)) {
            return walk.filter(p -> !p.equals(top) && matcher.matches(top.relativize(p)))
                    .sorted().map(Path::toString).toList();
        }
    }

    @Override
    public Lookup lookup(String path) {
        Path real;
        try {
            real = Path.of(path).toRealPath();
        } catch (NoSuchFileException e) {
            return new Lookup.Missing();
        } catch (IOException | SecurityException e) {
            return new Lookup.Failed(e.getMessage());
        }
        Path parent = real.getParent();
        String p = parent == null ? null : parent.toString();
        if (Files.isDirectory(real)) return new Lookup.Found(real.toString(), p, Kind.DIRECTORY, "a directory");
        if (Files.isRegularFile(real)) return new Lookup.Found(real.toString(), p, Kind.REGULAR, "a regular file");
        return new Lookup.Found(real.toString(), p, Kind.OTHER, kind(real));
    }

    @Override
    public long size(String real) throws IOException { return Files.size(Path.of(real)); }

    @Override
    public byte[] readAtMost(String real, long max) throws IOException {
        try (var in = Files.newInputStream(Path.of(real))) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max));
            return in.read() < 0 ? b : null;
        }
    }

    @Override
    public boolean cancelled() { return Thread.currentThread().isInterrupted(); }

    private static Path dir(String dir) { return dir == null ? Path.of("") : Path.of(dir); }

    private static String kind(Path p) {
        try {
            var a = Files.readAttributes(p, PosixFileAttributes.class);
            if (a.isOther()) {
                String mode = Files.getAttribute(p, "unix:mode").toString();
                int type = Integer.parseInt(mode) & 0170000;
                return switch (type) {
                    case 0010000 -> "a FIFO";
                    case 0020000 -> "a character device";
                    case 0060000 -> "a block device";
                    case 0140000 -> "a socket";
                    default -> "a special file";
                };
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "a special file";
    }
}
