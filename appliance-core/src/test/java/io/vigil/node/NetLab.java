package io.vigil.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.vigil.lab.NetnsTopology;

/**
 * A throw-away L2 segment for multi-node tests: one switch namespace holding a bridge, and one namespace per node
 * with an {@code eth0} veth'd to the bridge, addressed in 192.0.2.0/24. Starts Vigil and keepalived as child
 * processes inside the node namespaces and removes everything on close (also after a failed test).
 */
public final class NetLab implements AutoCloseable {
    public static final Path ROOT = findRoot();

    private final NetnsTopology topo;
    private final NetnsTopology.Namespace sw;
    private final List<Proc> procs = new ArrayList<>();
    public final Path dir;

    /** A started daemon; {@code log} collects its stdout+stderr. */
    public record Proc(String name, Process process, Path log) {
        public long pid() { return process.pid(); }
        public String logText() {
            try { return Files.readString(log); } catch (IOException e) { return ""; }
        }
    }

    public NetLab(String prefix) throws IOException {
        this.dir = Files.createTempDirectory(prefix + "-lab");
        this.topo = NetnsTopology.createUnique(prefix); // pid-tagged names: concurrent runs never collide
        try {
            this.sw = topo.namespace("sw");
            topo.bridge(sw, "br0");
            sw.ip("link", "set", "br0", "type", "bridge", "mcast_snooping", "0");
        } catch (IOException | RuntimeException e) {
            topo.close();
            throw e;
        }
    }

    private final java.util.Map<String, NetnsTopology.Namespace> nodes = new java.util.HashMap<>();

    /** Adds node namespace PREFIX-NAME with eth0 = ADDR/24 on the bridge; returns the namespace name. */
    public String node(String name, String addr) throws IOException {
        NetnsTopology.Namespace n = topo.host(name, "eth0", addr + "/24", sw, "br0");
        nodes.put(n.name(), n);
        return n.name();
    }

    /** Runs {@code task} on a JVM thread inside node namespace {@code ns}; threads it starts stay in that namespace. */
    public <T> T inNamespace(String ns, java.util.concurrent.Callable<T> task) throws Exception {
        return nodes.get(ns).call(task);
    }

    public String switchNs() { return sw.name(); }

    public Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    public Proc start(String name, String ns, List<String> cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(cmd);
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Proc proc = new Proc(name, p, log);
        procs.add(proc);
        return proc;
    }

    /**
     * The {@code vigil} CLI as bin/vigil starts it, but from target/classes and the test classpath the build wrote
     * at test-compile, so tests need no packaged jar; same JDK as this JVM, same flags as bin/vigil.
     */
    public static List<String> vigilCommand() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path target = ROOT.resolve("appliance-core/target");
        String cp = target.resolve("classes") + ":" + Files.readString(target.resolve("test-classpath.txt")).trim();
        List<String> cmd = new ArrayList<>(List.of(java,
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"));
        String extra = System.getenv("VIGIL_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", cp, "io.vigil.cli.Main"));
        return cmd;
    }

    /** {@code vigil run -f CONF} in NS (ip netns exec execs, so the pid is the JVM's). */
    public Proc vigil(String name, String ns, Path conf, String... extra) throws IOException {
        return vigil(name, ns, conf, List.of(), extra);
    }

    /** The same with JVM options (e.g. -Dvigil.check.summary=1 to close check summaries every second). */
    public Proc vigil(String name, String ns, Path conf, List<String> jvm, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(vigilCommand());
        cmd.addAll(cmd.indexOf("-cp"), jvm);
        cmd.addAll(List.of("run", "-f", conf.toString(), "--journal", dir.resolve(name + "-journal").toString()));
        cmd.addAll(List.of(extra));
        return start(name, ns, cmd);
    }

    /** keepalived 2.2.7, VRRP only, foreground, logging to our log; its VRRP child's pid lands in NAME.vrrp.pid. */
    public Proc keepalived(String name, String ns, Path conf) throws IOException {
        return start(name, ns, List.of("keepalived", "--vrrp", "-n", "-l", "-D", "-f", conf.toString(),
                "-p", dir.resolve(name + ".pid").toString(), "-r", dir.resolve(name + ".vrrp.pid").toString()));
    }

    /** Waits until a daemon says it is up (Vigil: "vigil started", keepalived: "Startup complete"); JVM start is slow on a busy box. */
    public static void awaitStarted(Proc p) {
        await(p.name() + " started", p::logText, Duration.ofSeconds(60), () -> {
            if (!p.process().isAlive()) throw new AssertionError(p.name() + " exited: " + p.logText());
            String l = p.logText();
            return l.contains("vigil started") || l.contains("Startup complete");
        });
    }

    /**
     * kill -9 of keepalived: the VRRP child first (it would otherwise send priority 0 on its parent's death),
     * with the parent stopped meanwhile: a running parent respawns the killed child at once, and that child
     * outlived the crash and kept advertising priority 150 (seen in CI).
     */
    public void crashKeepalived(Proc ka) throws IOException {
        run("kill", "-STOP", Long.toString(ka.pid()));
        var children = ka.process().descendants().toList();
        Path vp = dir.resolve(ka.name() + ".vrrp.pid");
        if (Files.exists(vp)) run("kill", "-9", Files.readString(vp).trim());
        kill9(ka);
        children.forEach(ProcessHandle::destroyForcibly);
    }

    public void kill9(Proc p) {
        p.process().destroyForcibly();
        try { p.process().waitFor(5, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }

    /** SIGTERM and wait for a graceful exit. */
    public int term(Proc p, Duration max) throws IOException {
        run("kill", "-TERM", Long.toString(p.pid()));
        try {
            if (!p.process().waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) throw new IllegalStateException(p.name() + " did not exit after SIGTERM");
        } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        return p.process().exitValue();
    }

    /** IPv4 addresses on NS's eth0 (e.g. "192.0.2.100/24"). */
    public List<String> addrs(String ns) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : run("ip", "-n", ns, "-4", "-o", "addr", "show", "dev", "eth0").split("\n")) {
            String[] f = l.trim().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) if (f[i].equals("inet")) out.add(f[i + 1]);
        }
        return out;
    }

    public boolean hasAddr(String ns, String cidr) throws IOException { return addrs(ns).contains(cidr); }

    /** Captures ARP and VRRP on the bridge into NAME.pcap-text (tcpdump -l -n -e). */
    public Proc capture(String name) throws IOException {
        return start(name, sw.name(), List.of("tcpdump", "-l", "-n", "-e", "-i", "br0", "arp or ip proto 112"));
    }

    public static void await(String what, Duration max, BooleanSupplier cond) {
        await(what, () -> "", max, cond);
    }

    /** As {@link #await(String, Duration, BooleanSupplier)}; {@code detail} (e.g. the daemons' logs) is read at the failure. */
    public static void await(String what, java.util.function.Supplier<String> detail, Duration max, BooleanSupplier cond) {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return;
            try { Thread.sleep(50); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return; }
        }
        if (!cond.getAsBoolean()) throw new AssertionError("timed out after " + max.toMillis() + " ms waiting for: " + what + "\n" + detail.get());
    }

    public static BooleanSupplier quiet(IoCheck c) {
        return () -> { try { return c.get(); } catch (IOException e) { return false; } };
    }

    @FunctionalInterface public interface IoCheck { boolean get() throws IOException; }

    public static void sh(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
        } catch (InterruptedException e) { Thread.currentThread().interrupt(); throw new IOException(e); }
    }

    public static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try { p.waitFor(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        return out;
    }

    private static Path findRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/vigil"))) return p;
        }
        throw new IllegalStateException("bin/vigil not found above " + Path.of("").toAbsolutePath());
    }

    /** Dumps every daemon log (for a failing test's report). */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        for (Proc p : procs) {
            sb.append("----- ").append(p.name()).append('\n').append(p.logText()).append('\n');
            if (System.getenv("VIGIL_TEST_JSTACK") != null && p.process().isAlive() && !p.name().startsWith("ka") && !p.name().startsWith("cap")) {
                String java = ProcessHandle.current().info().command().orElse("java");
                try { sb.append(run(Path.of(java).resolveSibling("jstack").toString(), Long.toString(p.pid()))); } catch (IOException ignored) { }
            }
        }
        return sb.toString();
    }

    @Override public void close() throws IOException {
        for (Proc p : procs) {
            if (p.name().startsWith("ka")) {
                Path vp = dir.resolve(p.name() + ".vrrp.pid");
                if (p.process().isAlive() && Files.exists(vp)) run("kill", "-9", Files.readString(vp).trim());
            }
            // the parent first: keepalived's parent respawns a killed child, which would then outlive it
            var children = p.process().descendants().toList();
            p.process().destroyForcibly();
            try { p.process().waitFor(5, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            children.forEach(ProcessHandle::destroyForcibly);
        }
        for (Proc p : procs) { try { p.process().waitFor(5, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); } }
        topo.close();
    }
}
