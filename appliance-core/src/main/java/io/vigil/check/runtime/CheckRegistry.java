package io.vigil.check.runtime;

import io.vigil.check.CheckFactories;

import io.vigil.check.api.CheckFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;

/**
 * Which factory builds which checker keyword: the built-in TCP_CHECK plus every {@link CheckFactory}
 * extension found in the plugins directory (PF4J zips or exploded plugin folders).
 */
public final class CheckRegistry implements CheckFactories, AutoCloseable {
    private final Map<String, CheckFactory> byKeyword = new LinkedHashMap<>();
    private final Map<String, String> providerOf = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final PluginManager plugins;

    private CheckRegistry(PluginManager plugins) { this.plugins = plugins; }

    /** Built-in checks only. */
    public static CheckRegistry builtins() {
        CheckRegistry r = new CheckRegistry(null);
        r.register(new TcpCheckFactory(), "built-in");
        return r;
    }

    /**
     * Built-ins plus the plugins in {@code pluginsDir} (missing directory = no plugins). A plugin that
     * fails to load is reported in {@link #warnings()} and skipped; the others still load.
     */
    public static CheckRegistry load(Path pluginsDir) {
        if (pluginsDir == null || !Files.isDirectory(pluginsDir)) {
            CheckRegistry r = builtins();
            if (pluginsDir != null) r.warnings.add("plugins directory " + pluginsDir + " does not exist; only built-in checks");
            return r;
        }
        DefaultPluginManager pm = new DefaultPluginManager(pluginsDir);
        CheckRegistry r = new CheckRegistry(pm);
        r.register(new TcpCheckFactory(), "built-in");
        pm.loadPlugins();
        pm.startPlugins();
        for (PluginWrapper w : pm.getPlugins()) {
            if (w.getFailedException() != null) {
                r.warnings.add("plugin " + w.getPluginId() + " failed to start: " + w.getFailedException().getMessage());
            }
        }
        for (PluginWrapper w : pm.getStartedPlugins()) {
            try {
                for (CheckFactory f : pm.getExtensions(CheckFactory.class, w.getPluginId())) {
                    r.register(f, "plugin " + w.getPluginId() + " " + w.getDescriptor().getVersion());
                }
            } catch (RuntimeException | LinkageError e) {
                r.warnings.add("plugin " + w.getPluginId() + ": cannot create its checks: " + e);
            }
        }
        return r;
    }

    /** Adds a factory (tests register extra ones); an already claimed keyword keeps its first factory. */
    public void register(CheckFactory f, String provider) {
        for (String k : f.keywords()) {
            if (byKeyword.containsKey(k)) {
                warnings.add(k + " is claimed by both " + providerOf.get(k) + " and " + provider + "; using the first");
                continue;
            }
            byKeyword.put(k, f);
            providerOf.put(k, provider);
        }
    }

    @Override public Optional<CheckFactory> factory(String keyword) { return Optional.ofNullable(byKeyword.get(keyword)); }

    /** keyword → provider ("built-in" or "plugin id version"), for {@code vigil plugins} and logs. */
    public Map<String, String> providers() { return Collections.unmodifiableMap(providerOf); }

    public List<String> warnings() { return List.copyOf(warnings); }

    @Override public void close() {
        if (plugins != null) {
            plugins.stopPlugins();
            plugins.unloadPlugins();
        }
    }
}
