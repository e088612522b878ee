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
 * interfaces with them). Needs root (ip netns). Uses iproute2's {@code ip}; the only code in Vigil that makes or
 * removes namespaces, veths and bridges.
 *
 * <p>A topology made with {@link #recorded} outlives its JVM (nothing is removed unless {@link #close()} or
 * {@link #teardown()} is called) and reports each namespace and host link as it makes it, so another process can
 * {@link #adopt} them later and remove them: {@code vigil lab up} and {@code vigil lab down}.
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
    private static final Path NETNS_DIR = Path.of("/var/run/netns");

    private final String prefix;
    /** Full namespace name = namePrefix + short name. */
    private final String namePrefix;
    /** Whether {@link #namespace} replaces a same-named leftover (test labs) or fails on it (recorded labs). */
    private final boolean replaceStale;
    private final Ledger ledger;
    private final Map<String, Namespace> namespaces = new LinkedHashMap<>();
    private final List<String> hostLinks = new ArrayList<>();
    private final Deque<Process> processes = new ArrayDeque<>();
    private int vethCounter;

    private NetnsTopology(String prefix, String namePrefix, boolean replaceStale, Ledger ledger) {
        this.prefix = prefix;
        this.namePrefix = namePrefix;
        this.replaceStale = replaceStale;
        this.ledger = ledger;
    }

    /**
     * Told of each namespace and host link right after it is made (before anything can fail on it), so a record
     * kept outside the JVM lists everything to remove even after a crash half-way.
     */
    public interface Ledger {
        void namespaceCreated(String name);

        void hostLinkCreated(String name);

        Ledger NONE = new Ledger() {
            @Override public void namespaceCreated(String name) {}

            @Override public void hostLinkCreated(String name) {}
        };
    }

    /** A lab whose namespaces are called PREFIX-NAME (keep it short: veth names derive from it, 15 chars max). */
    public static NetnsTopology create(String prefix) {
        return new NetnsTopology(prefix, prefix + "-", true, Ledger.NONE);
    }

    /**
     * A lab whose namespaces are called NAMEPREFIX + NAME exactly, reported to {@code ledger} as they are made.
     * A namespace of the same name that already exists is an error, not replaced: it is not this lab's.
     */
    public static NetnsTopology recorded(String namePrefix, Ledger ledger) {
        return new NetnsTopology(namePrefix, namePrefix, false, ledger);
    }

    /**
     * Takes over namespaces and host links another process recorded, to run commands in them ({@link #get}) or
     * remove them ({@link #teardown}).
     */
    public static NetnsTopology adopt(List<String> namespaceNames, List<String> hostLinkNames) {
        NetnsTopology t = new NetnsTopology("", "", false, Ledger.NONE);
        for (String n : namespaceNames) t.namespaces.put(n, t.new Namespace(n));
        t.hostLinks.addAll(hostLinkNames);
        return t;
    }

    /** Whether a namespace of this full name exists (made by anyone). */
    public static boolean namespaceExists(String name) {
        return Files.exists(NETNS_DIR.resolve(name));
    }

    /** Whether a link of this name exists in the host's (this process's) namespace. */
    public static boolean hostLinkExists(String name) throws IOException {
        return run(List.of("ip", "link", "show", name)).ok();
    }

    /**
     * A lab whose namespaces are called PREFIX_PID-NAME (PID = this JVM's pid in base 36), so test runs from
     * several work trees on one machine never share a namespace. PREFIX_PID-* namespaces left by dead JVMs
     * (crashed or killed runs) are removed first.
     */
    public static NetnsTopology createUnique(String prefix) {
        reapDeadRuns(prefix);
        return new NetnsTopology(prefix, prefix + "_" + Long.toString(ProcessHandle.current().pid(), 36) + "-", true,
                Ledger.NONE);
    }

    /** Deletes PREFIX_PID-* namespaces whose process is gone. */
    private static void reapDeadRuns(String prefix) {
        String[] names = NETNS_DIR.toFile().list();
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

    /**
     * Creates namespace PREFIX-NAME (NAMEPREFIX + NAME for {@link #recorded}) with lo up; {@link #create} and
     * {@link #createUnique} first remove a stale one left by a crashed run.
     */
    public Namespace namespace(String shortName) throws IOException {
        String full = namePrefix + shortName;
        if (namespaces.containsKey(full)) return namespaces.get(full);
        if (replaceStale && namespaceExists(full)) run(List.of("ip", "netns", "del", full));
        check(run(List.of("ip", "netns", "add", full)), "ip netns add " + full);
        Namespace ns = new Namespace(full);
        namespaces.put(full, ns);
        ledger.namespaceCreated(full);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /** A namespace of this topology by full name (made here or adopted). */
    public Namespace get(String fullName) {
        Namespace ns = namespaces.get(fullName);
        if (ns == null) throw new IllegalArgumentException("not in this topology: " + fullName);
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
        plug(h, ifname, cidr, switchNs, port, bridge);
        return h;
    }

    /**
     * Cables {@code ifname} in {@code h} (address {@code cidr}, may be null) to port {@code port} of
     * {@code bridge} in {@code switchNs}; both ends up.
     */
    public void plug(Namespace h, String ifname, String cidr, Namespace switchNs, String port, String bridge) throws IOException {
        veth(h, ifname, switchNs, port);
        switchNs.ip("link", "set", port, "master", bridge);
        if (cidr != null) h.ip("addr", "add", cidr, "dev", ifname);
    }

    /**
     * A veth pair {@code hostName} in the host's own namespace (address {@code cidr}) ↔ {@code port} of
     * {@code bridge} in {@code switchNs}, both up: the way from the operator's shell into the lab.
     */
    public void hostLink(String hostName, String cidr, Namespace switchNs, String port, String bridge) throws IOException {
        check(run(List.of("ip", "link", "add", hostName, "type", "veth", "peer", "name", port, "netns", switchNs.name())),
                "veth " + hostName + " <-> " + switchNs.name() + ":" + port);
        hostLinks.add(hostName);
        ledger.hostLinkCreated(hostName);
        switchNs.ip("link", "set", port, "master", bridge, "up");
        check(run(List.of("ip", "addr", "add", cidr, "dev", hostName)), "ip addr add " + cidr + " dev " + hostName);
        check(run(List.of("ip", "link", "set", hostName, "up")), "ip link set " + hostName + " up");
    }

    public List<Namespace> namespaces() { return List.copyOf(namespaces.values()); }

    /** Every process running inside this topology's namespaces now ({@code ip netns pids}), whoever started it. */
    public List<ProcessHandle> processesInside() {
        List<ProcessHandle> all = new ArrayList<>();
        for (String n : namespaces.keySet()) {
            try {
                for (String pid : run(List.of("ip", "netns", "pids", n)).output().split("\\s+")) {
                    if (pid.matches("\\d+")) ProcessHandle.of(Long.parseLong(pid)).ifPresent(all::add);
                }
            } catch (IOException ignored) {
                // the namespace is gone already: nothing runs in it
            }
        }
        return all;
    }

    /** Removes processes, namespace threads, host links and namespaces this lab created. Never throws. */
    @Override public void close() {
        while (!processes.isEmpty()) stop(processes.pop());
        teardown();
    }

    /**
     * Removes the host links and namespaces (newest first) of this topology, whatever fails; returns what could
     * not be removed and is still there (empty when everything is gone). Stop the processes inside first: a
     * namespace is only freed when nothing runs in it.
     */
    public List<String> teardown() {
        for (Namespace ns : namespaces.values()) ns.closeThread();
        List<String> problems = new ArrayList<>();
        for (String link : hostLinks) {
            Result r = runQuietly(List.of("ip", "link", "del", link));
            // deleting the switch namespace also takes the pair with it, so a failure here only counts if it stays
            if (!r.ok() && runQuietly(List.of("ip", "link", "show", link)).ok()) problems.add(r.output().strip());
        }
        List<String> names = new ArrayList<>(namespaces.keySet());
        java.util.Collections.reverse(names);
        for (String n : names) {
            Result r = runQuietly(List.of("ip", "netns", "del", n));
            if (!r.ok() && namespaceExists(n)) problems.add(r.output().strip());
        }
        for (String link : hostLinks) {
            if (runQuietly(List.of("ip", "link", "show", link)).ok()) runQuietly(List.of("ip", "link", "del", link));
        }
        namespaces.clear();
        hostLinks.clear();
        return problems;
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

    /** Runs a short command and waits for it (30 s at most); the output is stdout and stderr together. */
    public static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
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

    /** {@link #run}, with a failure to start or finish reported as a result (127) rather than thrown. */
    public static Result runQuietly(List<String> cmd) {
        try {
            return run(cmd);
        } catch (IOException e) {
            return new Result(127, cmd.getFirst() + ": " + e.getMessage());
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
            return run(inside(List.of(command)));
        }

        /** {@link #exec}, throwing with the command's own message when it fails. */
        public Result execChecked(String... command) throws IOException {
            List<String> cmd = inside(List.of(command));
            return check(run(cmd), String.join(" ", cmd));
        }

        private List<String> inside(List<String> command) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
            cmd.addAll(command);
            return cmd;
        }

        /**
         * Starts a long-running command inside the namespace in a session of its own, output appended to
         * {@code log}, and returns its pid. Not stopped at close: it outlives this JVM (setsid and
         * {@code ip netns exec} both exec in place, so the pid is the program's own).
         */
        public long spawnDetached(Path log, List<String> command) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("setsid"));
            cmd.addAll(inside(command));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return p.pid();
        }

        /**
         * Starts a long-running command inside the namespace, output to {@code log}; the lab stops it at close
         * (SIGTERM, then SIGKILL after 3 s).
         */
        public Process spawn(Path log, String... command) throws IOException {
            Process p = new ProcessBuilder(inside(List.of(command))).redirectErrorStream(true)
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
