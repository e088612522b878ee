package io.vigil.config;

import java.io.IOException;
import java.util.List;

/**
 * What the loader needs to know of the host: the configuration files (include, glob), the node name (the default
 * config-id) and whether to stop. The parser itself is pure; {@code config.source.FileConfigSource} implements
 * this over the file system, and a test may implement it over a map. Paths are strings in the host's syntax; the
 * path arithmetic belongs to the implementation so that names in diagnostics are exactly the host's.
 */
public interface ConfigSource {
    /** keepalived: "The config-id defaults to the first part of the node name as returned by uname". */
    String defaultConfigId();

    /** {@code name} resolved against the directory {@code dir} ({@code null}: the working directory). */
    String resolve(String dir, String name);

    boolean isAbsolute(String name);

    boolean isDirectory(String path);

    /** glob(3) as far as keepalived uses it: the sorted paths that match {@code pattern}, relative to {@code dir}. */
    List<String> glob(String dir, String pattern) throws IOException;

    /** What {@code path} is, following links; never throws. */
    Lookup lookup(String path);

    /** The size in bytes of the regular file at {@code real}. */
    long size(String real) throws IOException;

    /** The whole file, or {@code null} when it holds more than {@code max} bytes (it grew since its size was read). */
    byte[] readAtMost(String real, long max) throws IOException;

    /** True once the caller asked to stop (a reload that ran past its time limit). */
    boolean cancelled();

    /** Whether an include argument (or one part of a path) is a glob(3) pattern rather than a name. */
    static boolean hasGlob(String p) {
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') return true;
        }
        return false;
    }

    /** What a path names. */
    sealed interface Lookup {
        /** Nothing is there. */
        record Missing() implements Lookup {}

        /** It could not be resolved: {@code message} says why. */
        record Failed(String message) implements Lookup {}

        /**
         * It exists: {@code real} is its canonical path (links resolved), {@code parent} that path's directory.
         * {@code kind} is "a directory", "a regular file" or what else it is ("a FIFO", "a character device", ...).
         */
        record Found(String real, String parent, Kind kind, String description) implements Lookup {}
    }

    enum Kind { DIRECTORY, REGULAR, OTHER }
}
