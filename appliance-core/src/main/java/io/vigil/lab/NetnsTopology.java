package io.vigil.lab;

import io.vigil.linux.LinuxException;
import io.vigil.linux.NetnsExecutor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network lab: named network namespaces, bridges, veth pairs, addresses, commands and processes
 * inside namespaces, and in-JVM threads inside namespaces ({@link NetnsExecutor}). Every namespace name
 * starts with the prefix given at creation; {@link #close()} removes everything this object created, also
 * after a failure half-way (processes first, then namespace threads, then the namespaces, which takes their
 * interfaces with them). Needs root (ip netns). Uses iproute2's {@code ip}.
 *
 * <pre>
 * try (var lab = NetnsTopology.createUnique("vl")) {
 *     var sw = lab.namespace("sw");   lab.bridge(sw, "br0");
 *     var a = lab.host("a", "eth0", "192.0.2.11/24", sw, "br0");
 *     a.exec("ping", "-c1", "192.0.2.12");
 * }
 * </pre>
 */
public final class NetnsTopology implements AutoCloseable {
    private final String prefix;
    private final String nsPrefix;
    private final Map<String, Namespace> namespaces = new LinkedHashMap<>();
    private final Deque<Process> processes = new ArrayDeque<>();
    private int vethCounter;

    private NetnsTopology(String prefix, String nsPrefix) {
        this.prefix = prefix;
        this.nsPrefix = nsPrefix;
    }

    /** A lab whose namespaces are called PREFIX-NAME (keep it short: veth names derive from it, 15 chars max). */
    public static NetnsTopology create(String prefix) {
        return new NetnsTopology(prefix, prefix);
    }

    /**
     * A lab whose namespaces are called PREFIX_PID-NAME (PID = this JVM's pid in base 36), so test runs from
     * several work trees on one machine never share a namespace. PREFIX_PID-* namespaces left by dead JVMs
     * (crashed or killed runs) are removed first.
     */
    public static NetnsTopology createUnique(String prefix) {
        reapDeadRuns(prefix);
        return new NetnsTopology(prefix, prefix + "_" + Long.toString(ProcessHandle.current().pid(), 36));
    }

    /** Deletes PREFIX_PID-* namespaces whose process is gone. */
    private static void reapDeadRuns(String prefix) {
        String[] names = new java.io.File("/var/run/netns").list();
        if (names == null) return;
        for (String n : names) {
            int dash = n.indexOf('-');
            int start = prefix.length() + 1;
            if (!n.startsWith(prefix + "_") || dash <= start) continue;
            long pid;
            try {
                pid = Long.parseLong(n.substring(start, dash), 36);
            } catch (NumberFormatException notOurs) {
                continue;
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
            try {
                run(List.of("ip", "netns", "del", n));
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** The output and exit status of a finished command. */
    public record Result(int exitCode, String output) {
        public boolean ok() { return exitCode == 0; }
    }

    /** Creates (replacing a stale one left by a crashed run) namespace PREFIX-NAME with lo up. */
    public Namespace namespace(String shortName) throws IOException {
        String full = nsPrefix + "-" + shortName;
        if (namespaces.containsKey(full)) return namespaces.get(full);
        if (Files.exists(Path.of("/var/run/netns", full))) run(List.of("ip", "netns", "del", full));
        check(run(List.of("ip", "netns", "add", full)), "ip netns add " + full);
        Namespace ns = new Namespace(full);
        namespaces.put(full, ns);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /** A bridge (STP off, so ports forward at once) in {@code ns}, up. */
    public void bridge(Namespace ns, String name) throws IOException {
        ns.ip("link", "add", name, "type", "bridge", "stp_state", "0", "forward_delay", "0");
        ns.ip("link", "set", name, "up");
    }

    /** A veth pair {@code aName} in {@code a} ↔ {@code bName} in {@code b}, both up. */
    public void veth(Namespace a, String aName, Namespace b, String bName) throws IOException {
        check(run(List.of("ip", "link", "add", aName, "netns", a.name(), "type", "veth", "peer", "name", bName,
                "netns", b.name())), "veth " + a.name() + ":" + aName + " <-> " + b.name() + ":" + bName);
        a.ip("link", "set", aName, "up");
        b.ip("link", "set", bName, "up");
    }

    /**
     * A host namespace PREFIX-NAME with interface {@code ifname} (address {@code cidr}, may be null) plugged
     * into {@code bridge} in {@code switchNs}.
     */
    public Namespace host(String shortName, String ifname, String cidr, Namespace switchNs, String bridge) throws IOException {
        Namespace h = namespace(shortName);
        String port = (prefix + "p" + (++vethCounter) + "-" + shortName);
        if (port.length() > 15) port = port.substring(0, 15);
        veth(h, ifname, switchNs, port);
        switchNs.ip("link", "set", port, "master", bridge);
        if (cidr != null) h.ip("addr", "add", cidr, "dev", ifname);
        return h;
    }

    public List<Namespace> namespaces() { return List.copyOf(namespaces.values()); }

    /** Removes processes, namespace threads and namespaces this lab created. Never throws. */
    @Override public void close() {
        while (!processes.isEmpty()) stop(processes.pop());
        for (Namespace ns : namespaces.values()) ns.closeThread();
        for (String n : namespaces.keySet()) {
            try {
                run(List.of("ip", "netns", "del", n));
            } catch (IOException ignored) {
                // best effort: nothing else can be done at teardown
            }
        }
        namespaces.clear();
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                // the parent first: a supervisor that is still alive respawns killed children
                var children = p.descendants().toList();
                p.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
                children.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    private static Result check(Result r, String what) throws IOException {
        if (!r.ok()) throw new IOException(what + " failed (exit " + r.exitCode() + "): " + r.output().strip());
        return r;
    }

    /** One namespace of the lab. */
    public final class Namespace {
        private final String name;
        private NetnsExecutor thread;

        private Namespace(String name) {
            this.name = name;
        }

        public String name() { return name; }

        /** {@code ip -n NAME ARGS}; throws with ip's message when it fails. */
        public Result ip(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
            cmd.addAll(List.of(args));
            return check(run(cmd), String.join(" ", cmd));
        }

        public void addAddress(String ifname, String cidr) throws IOException {
            ip("addr", "add", cidr, "dev", ifname);
        }

        public void setLink(String ifname, boolean up) throws IOException {
            ip("link", "set", ifname, up ? "up" : "down");
        }

        /** Runs a command inside the namespace ({@code ip netns exec}) and waits for it; never throws on exit != 0. */
        public Result exec(String... command) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
            cmd.addAll(List.of(command));
            return run(cmd);
        }

        /**
         * Starts a long-running command inside the namespace, output to {@code log}; the lab stops it at close
         * (SIGTERM, then SIGKILL after 3 s).
         */
        public Process spawn(Path log, String... command) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
            cmd.addAll(List.of(command));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            processes.push(p);
            return p;
        }

        /** Stops a process started with {@link #spawn} now (SIGTERM, then SIGKILL). */
        public void stop(Process p) {
            processes.remove(p);
            NetnsTopology.stop(p);
        }

        /** Runs {@code task} on a JVM thread inside this namespace (sockets it opens stay in the namespace). */
        public <T> T call(Callable<T> task) throws Exception {
            return thread().call(task);
        }

        public synchronized NetnsExecutor thread() throws LinuxException {
            if (thread == null) thread = NetnsExecutor.enter(name);
            return thread;
        }

        synchronized void closeThread() {
            if (thread != null) thread.close();
            thread = null;
        }

        @Override public String toString() { return name; }
    }
}
