package io.vigil.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The parser is pure: given files, a node name and a stop flag as values, it needs no file system. */
class ConfigSourceTest {
    /** Files in a map: "/etc/k/x.conf" → text; directories are the prefixes; globs are "*" within one directory. */
    record MapSource(Map<String, String> files, String node, boolean stop) implements ConfigSource {
        @Override public String defaultConfigId() { return node; }
        @Override public String resolve(String dir, String name) { return name.startsWith("/") ? name : dir + "/" + name; }
        @Override public boolean isAbsolute(String name) { return name.startsWith("/"); }
        @Override public boolean isDirectory(String path) { return files.keySet().stream().anyMatch(f -> f.startsWith(path + "/")); }
        @Override public List<String> glob(String dir, String pattern) {
            String full = resolve(dir, pattern);
            String prefix = full.substring(0, full.indexOf('*')), suffix = full.substring(full.indexOf('*') + 1);
            return new TreeMap<>(files).keySet().stream().filter(f -> f.startsWith(prefix) && f.endsWith(suffix)
                    && f.indexOf('/', prefix.length()) < 0).toList();
        }
        @Override public Lookup lookup(String path) {
            if (isDirectory(path)) return new Lookup.Found(path, parent(path), Kind.DIRECTORY, "a directory");
            return files.containsKey(path) ? new Lookup.Found(path, parent(path), Kind.REGULAR, "a regular file") : new Lookup.Missing();
        }
        @Override public long size(String real) { return bytes(real).length; }
        @Override public byte[] readAtMost(String real, long max) throws IOException {
            byte[] b = bytes(real);
            return b.length > max ? null : b;
        }
        @Override public boolean cancelled() { return stop; }
        private byte[] bytes(String real) { return files.get(real).getBytes(StandardCharsets.UTF_8); }
        private static String parent(String p) { return p.substring(0, p.lastIndexOf('/')); }
    }

    private static final Map<String, String> FILES = Map.of(
            "/etc/k/keepalived.conf", "global_defs {\n @lvs1 router_id ${_INSTANCE}\n @^lvs1 router_id other\n}\ninclude conf.d/*.conf\ninclude missing.conf\n",
            "/etc/k/conf.d/b.conf", "vrrp_script b {\n script \"/bin/true\"\n}\n",
            "/etc/k/conf.d/a.conf", "vrrp_script a {\n script \"/bin/true\"\n}\ninclude /etc/k/keepalived.conf\n");

    @Test
    void includesGlobsConditionalsAndErrorsComeFromTheSource() {
        LoadResult r = ConfigParser.load(new MapSource(FILES, "lvs1", false), "/etc/k/keepalived.conf", LoadOptions.defaults());
        KeepalivedConfig c = r.config().orElseThrow();
        assertThat(c.globalDefs().routerId()).contains("lvs1"); // the node name is the default config-id
        assertThat(c.vrrpScripts()).extracting(VrrpScript::name).containsExactly("a", "b"); // glob matches sorted
        assertThat(c.files()).containsExactly("/etc/k/keepalived.conf", "/etc/k/conf.d/a.conf", "/etc/k/conf.d/b.conf");
        assertThat(r.diagnostics()).extracting(Diagnostic::format).contains(
                "/etc/k/conf.d/a.conf:4:1: error: include loop: /etc/k/keepalived.conf -> /etc/k/conf.d/a.conf -> /etc/k/keepalived.conf",
                "/etc/k/keepalived.conf:6:1: error: included file /etc/k/missing.conf does not exist");
    }

    @Test
    void anExplicitConfigIdWinsAndACancelledSourceStops() {
        var options = LoadOptions.defaults().withConfigId("lvs2");
        assertThat(ConfigParser.load(new MapSource(FILES, "lvs1", false), "/etc/k/keepalived.conf", options)
                .config().orElseThrow().globalDefs().routerId()).contains("other");
        assertThat(ConfigParser.load(new MapSource(FILES, "lvs1", true), "/etc/k/keepalived.conf", options).diagnostics())
                .extracting(Diagnostic::format).contains("/etc/k/keepalived.conf:1:1: error: reading the configuration was cancelled");
    }
}
