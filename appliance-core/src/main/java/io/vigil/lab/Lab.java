package io.vigil.lab;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code vigil lab}: two directors, real servers and a client in network namespaces on one bridge, two real
 * {@code vigil run} nodes, and scripted incidents. All state lives under {@code stateRoot/PREFIX}; {@code down}
 * removes what the state file lists and nothing else. Namespaces, links and processes inside them go through
 * {@link NetnsTopology}: {@code up} builds a {@link NetnsTopology#recorded recorded} one whose ledger is the state
 * file; the later commands {@link NetnsTopology#adopt adopt} what the state lists.
 */
public final class Lab {
    public static final Path DEFAULT_STATE_ROOT = Path.of("/run/vigil-lab");
    private static final String BRIDGE = "br0";
    private static final String MGMT_BRIDGE = "mgmt0";

    private final Path stateRoot;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public Lab(Path stateRoot, PrintStream out) {
        this.stateRoot = stateRoot;
        this.out = out;
    }

    public Path dir(String prefix) { return stateRoot.resolve(prefix.endsWith("-") ? prefix.substring(0, prefix.length() - 1) : prefix); }

    // ------------------------------------------------------------------ up

    public void up(LabPlan plan, List<String> vigilCommand) {
        requireRoot();
        Path dir = dir(plan.prefix());
        if (Files.exists(LabState.file(dir)) || Files.exists(LabGuest.file(dir))) {
            throw new LabException("a lab with prefix " + plan.prefix() + " is already up (state " + LabState.file(dir)
                    + "); run `vigil lab down` first");
        }
        for (String ns : plan.namespaces()) {
            if (NetnsTopology.namespaceExists(ns)) {
                throw new LabException("network namespace " + ns + " exists but this lab did not record it; not touching it"
                        + " (remove it yourself with `ip netns del " + ns + "` if it is a leftover)");
            }
        }
        if (hostLinkExists(plan.hostLink())) {
            throw new LabException("link " + plan.hostLink() + " exists but this lab did not record it; not touching it");
        }
        LabState st = LabState.fresh(dir, plan);
        st.save();
        try {
            build(plan, st, NetnsTopology.recorded(plan.prefix(), ledger(st)), vigilCommand);
        } catch (IOException e) {
            out.println("lab: setting up failed, removing what was made: " + e.getMessage());
            down(plan.prefix());
            throw new LabException(e.getMessage());
        } catch (RuntimeException e) {
            out.println("lab: setting up failed, removing what was made: " + e.getMessage());
            down(plan.prefix());
            throw e;
        }
    }

    private static NetnsTopology.Ledger ledger(LabState st) {
        return new NetnsTopology.Ledger() {
            @Override public void namespaceCreated(String name) { st.addNamespace(name); }

            @Override public void hostLinkCreated(String name) { st.addLink(name); }
        };
    }

    private void build(LabPlan plan, LabState st, NetnsTopology topo, List<String> vigilCommand) throws IOException {
        // the bridge lives in its own namespace: bridged traffic never meets the host's firewall
        var sw = topo.namespace("sw");
        topo.bridge(sw, BRIDGE);
        topo.bridge(sw, MGMT_BRIDGE);

        for (var d : plan.directors()) {
            var ns = topo.namespace(d.name());
            topo.plug(ns, "eth0", d.address() + "/24", sw, "p-" + d.name(), BRIDGE);
            topo.plug(ns, "eth1", d.mgmtAddress() + "/24", sw, "m-" + d.name(), MGMT_BRIDGE);
        }
        for (var r : plan.reals()) topo.plug(topo.namespace(r.name()), "eth0", r.address() + "/24", sw, "p-" + r.name(), BRIDGE);
        topo.plug(topo.namespace("client"), "eth0", plan.clientAddress() + "/24", sw, "p-client", BRIDGE);

        // one veth into the host namespace, on the management network only, so the operator's shell reaches the APIs
        topo.hostLink(plan.hostLink(), LabPlan.HOST_ADDRESS + "/24", sw, "m-host", MGMT_BRIDGE);

        Path dir = st.dir;
        // real servers: busybox httpd; LVS-DR style (VIP on lo, no ARP for it)
        for (var r : plan.reals()) {
            Path www = dir.resolve("www-" + r.name());
            write(www.resolve("index.html"), "hello from " + r.name() + " (" + r.address() + ")\n");
            write(www.resolve("health"), "ok\n");
            var ns = topo.get(r.ns());
            ns.addAddress("lo", LabPlan.VIP + "/32");
            ns.execChecked("sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");
            // on every address: LVS-DR delivers the client's packets to the VIP (on lo), checks come to the real address
            spawn(st, r.name(), ns, List.of(busybox(), "httpd", "-f", "-p", "80", "-h", www.toString()));
        }

        Path token = dir.resolve("api-token");
        write(token, HexFormat.of().formatHex(new SecureRandom().generateSeed(16)) + "\n");
        try {
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (var d : plan.directors()) startDirector(st, plan, topo.get(d.ns()), d, vigilCommand);
        st.json.put("vigilCommand", new JsonArray(new ArrayList<Object>(vigilCommand)));
        st.save();

        out.println("lab " + plan.prefix() + " is up (state in " + dir + ")");
        for (var d : plan.directors()) {
            boolean ready = awaitApi(st, d.name(), d.apiUrl(plan.apiPort()), Duration.ofSeconds(45));
            out.printf("  director %-3s %-11s priority %3d  management API %s%s%n", d.name(), d.address(), d.priority(),
                    d.apiUrl(plan.apiPort()), ready ? "" : "  (not answering yet; log: " + dir.resolve(d.name() + ".log") + ")");
        }
        out.println("  API token file: " + token + "  (curl -H \"Authorization: Bearer $(cat " + token + ")\" ...)");
        for (var r : plan.reals()) out.printf("  real server %-4s %s:80 (busybox httpd)%n", r.name(), r.address());
        out.println("  client: ip netns exec " + plan.clientNs() + " curl http://" + LabPlan.VIP + "/");
        out.println("  VIP " + LabPlan.VIP + " (vrrp_instance " + LabPlan.INSTANCE + ", vrid " + LabPlan.VRID + ")");
        ipvsNote(plan, Map.of());
        out.println("incidents: vigil lab incident kill-master | partition | fail-check | heal;  vigil lab status;  vigil lab down");
    }

    private void startDirector(LabState st, LabPlan plan, NetnsTopology.Namespace ns, LabPlan.Director d, List<String> vigilCommand) {
        Path conf = st.dir.resolve(d.name()).resolve("keepalived.conf");
        write(conf, plan.keepalivedConf(d));
        List<String> cmd = new ArrayList<>(vigilCommand);
        cmd.addAll(runArguments(plan, d, st.dir));
        spawn(st, d.name(), ns, cmd);
    }

    /** Arguments for `vigil run` on one director (configuration, journal, management API). */
    static List<String> runArguments(LabPlan plan, LabPlan.Director d, Path dir) {
        Path ddir = dir.resolve(d.name());
        return List.of("run", "-f", ddir.resolve("keepalived.conf").toString(),
                "--journal", ddir.resolve("journal").toString(),
                "--api-listen", d.mgmtAddress() + ":" + plan.apiPort(),
                "--api-token-file", dir.resolve("api-token").toString());
    }

    /** Starts a long-running process in a namespace, in its own session so it outlives `vigil lab up`. */
    private void spawn(LabState st, String role, NetnsTopology.Namespace ns, List<String> cmd) {
        Path log = st.dir.resolve(role + ".log");
        try {
            Files.createDirectories(st.dir);
            st.process(role, ns.name(), ns.spawnDetached(log, cmd), log.toString());
        } catch (IOException e) {
            throw new LabException("cannot start " + role + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ down

    /** Removes every process, namespace and link the state lists, then the state directory. */
    public void down(String prefix) {
        requireRoot();
        Path dir = dir(prefix);
        if (!Files.exists(LabState.file(dir))) {
            out.println("lab " + prefix + ": nothing to remove (no state in " + dir + ")");
            return;
        }
        LabState st = LabState.load(dir);
        NetnsTopology topo = topology(st);
        java.util.Set<ProcessHandle> victims = new java.util.LinkedHashSet<>();
        for (String role : st.processes().fieldNames()) {
            ProcessHandle.of(st.processes().getJsonObject(role).getLong("pid")).ifPresent(victims::add);
        }
        // anything still running inside a namespace we made is ours too (e.g. a node's check helpers)
        victims.addAll(topo.processesInside());
        victims.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle h : victims) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : victims) h.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> h).join();
        int namespaces = st.namespaces().size();
        List<String> problems = topo.teardown();
        if (!problems.isEmpty()) throw new LabException("lab down left things behind: " + String.join("; ", problems));
        deleteTree(dir);
        try {
            Files.deleteIfExists(stateRoot); // only when empty
        } catch (IOException ignored) {
            // another lab still has its state here
        }
        out.println("lab " + prefix + " removed: " + victims.size() + " processes, " + namespaces
                + " namespaces, " + st.links().size() + " host link(s)");
    }

    // ------------------------------------------------------------------ status

    /** One director's view: process alive, VIP held, and what its management API says. */
    public record DirectorStatus(String name, boolean running, boolean holdsVip, String vrrpState) {}

    public List<DirectorStatus> directorStatus(String prefix) {
        LabState st = LabState.load(dir(prefix));
        LabPlan plan = st.plan();
        List<DirectorStatus> list = new ArrayList<>();
        for (var d : plan.directors()) {
            boolean running = alive(st, d.name());
            boolean vip = holdsVip(d.ns());
            String state = running ? apiInstanceState(st, d.apiUrl(plan.apiPort())).orElse("?") : "-";
            list.add(new DirectorStatus(d.name(), running, vip, state));
        }
        return list;
    }

    public void status(String prefix) {
        LabState st = LabState.load(dir(prefix));
        LabPlan plan = st.plan();
        out.println("lab " + prefix + " (state " + LabState.file(st.dir) + ")");
        for (DirectorStatus s : directorStatus(prefix)) {
            var d = plan.directors().stream().filter(x -> x.name().equals(s.name())).findFirst().orElseThrow();
            out.printf("  %-3s %-11s %-8s vrrp %-7s %s  %s%n", s.name(), d.address(), s.running() ? "running" : "STOPPED",
                    s.vrrpState(), s.holdsVip() ? "holds VIP " + LabPlan.VIP : "no VIP", d.apiUrl(plan.apiPort()));
        }
        long masters = directorStatus(prefix).stream().filter(DirectorStatus::holdsVip).count();
        if (masters > 1) out.println("  SPLIT BRAIN: both directors hold " + LabPlan.VIP);
        for (var r : plan.reals()) {
            boolean up = alive(st, r.name());
            boolean healthy = Files.exists(st.dir.resolve("www-" + r.name()).resolve("health"));
            out.printf("  %-4s %-11s httpd %s, /health %s%n", r.name(), r.address(), up ? "running" : "STOPPED",
                    healthy ? "200" : "404 (fail-check)");
        }
        if (!st.incidents().isEmpty()) out.println("  incidents in effect: " + st.incidents().encode());
        // the weights the master has now (0 for a real server its checks took down), from its API
        var master = directorStatus(prefix).stream().filter(s -> s.running() && "MASTER".equals(s.vrrpState())).findFirst();
        ipvsNote(plan, master.flatMap(m -> plan.directors().stream().filter(d -> d.name().equals(m.name())).findFirst())
                .map(d -> liveWeights(st, d.apiUrl(plan.apiPort()))).orElse(Map.of()));
    }

    /**
     * {@code n} requests from the client namespace to the VIP ({@code curl}, a new connection each); prints each
     * answer's first line and returns how many were answered. Without ip_vs on the host only the master answers
     * (nothing balances: its own port 80 is closed), so every request fails.
     */
    public int curl(String prefix, int n) {
        requireRoot();
        LabState st = LabState.load(dir(prefix));
        NetnsTopology.Namespace client = topology(st).get(st.plan().clientNs());
        int ok = 0;
        for (int i = 1; i <= n; i++) {
            String answer = null;
            try {
                var r = client.exec("curl", "-s", "-m", "3", "http://" + LabPlan.VIP + "/");
                if (r.ok() && !r.output().isBlank()) answer = r.output().strip().lines().findFirst().orElse("");
            } catch (IOException e) {
                // reported as no answer
            }
            if (answer != null) ok++;
            out.printf("  %d  http://%s/ -> %s%n", i, LabPlan.VIP, answer == null ? "no answer" : answer);
        }
        return ok;
    }

    /** The last 60 lines of a lab process's log ({@code ROLE.log} in the state directory). */
    public void log(String prefix, String role) {
        if (!role.matches("[a-z0-9]+")) throw new LabException("log ROLE (d1, d2, rs1, ...)");
        Path f = dir(prefix).resolve(role + ".log");
        try {
            List<String> lines = Files.readAllLines(f);
            lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(out::println);
        } catch (IOException e) {
            throw new LabException("no log " + f);
        }
    }

    // ------------------------------------------------------------------ incidents

    public enum Incident { KILL_MASTER, PARTITION, FAIL_CHECK, HEAL }

    public void incident(String prefix, Incident incident) {
        requireRoot();
        LabState st = LabState.load(dir(prefix));
        LabPlan plan = st.plan();
        NetnsTopology topo = topology(st);
        try {
            incident(st, plan, topo, incident);
        } catch (IOException e) {
            throw new LabException(e.getMessage());
        }
    }

    private void incident(LabState st, LabPlan plan, NetnsTopology topo, Incident incident) throws IOException {
        switch (incident) {
            case KILL_MASTER -> {
                var master = plan.directors().stream().filter(d -> alive(st, d.name()) && holdsVip(d.ns())).findFirst()
                        .orElseThrow(() -> new LabException("no running director holds " + LabPlan.VIP + " right now"));
                long pid = st.processes().getJsonObject(master.name()).getLong("pid");
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroyForcibly(); // SIGKILL: no goodbye advert (priority 0), as when a box dies
                    h.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> h).join();
                });
                // a dead box also stops answering for the VIP; leaving the address would fake a duplicate
                try {
                    topo.get(master.ns()).ip("addr", "del", LabPlan.VIP + "/24", "dev", "eth0");
                } catch (IOException alreadyGone) {
                    // the node may have dropped it itself
                }
                record(st, "kill-master:" + master.name());
                out.println("killed director " + master.name() + " (pid " + pid + ", SIGKILL); the peer should take "
                        + LabPlan.VIP + " within ~3 advert intervals");
            }
            case PARTITION -> {
                // stop the bridge flooding multicast to the directors: VRRP adverts (224.0.0.18) no longer meet,
                // unicast (management API, health checks) still works -> both become MASTER: split brain
                for (var d : plan.directors()) {
                    topo.get(plan.switchNs()).execChecked("bridge", "link", "set", "dev", "p-" + d.name(), "mcast_flood", "off");
                }
                record(st, "partition");
                out.println("partitioned: VRRP adverts between the directors are dropped; expect split brain (both MASTER)");
            }
            case FAIL_CHECK -> {
                var r = plan.reals().getFirst();
                Path health = st.dir.resolve("www-" + r.name()).resolve("health");
                try {
                    Files.deleteIfExists(health);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                record(st, "fail-check:" + r.name());
                out.println("real server " + r.name() + " now answers 404 on /health: its HTTP_GET check fails");
            }
            case HEAL -> heal(st, plan, topo);
        }
    }

    private void heal(LabState st, LabPlan plan, NetnsTopology topo) throws IOException {
        for (var d : plan.directors()) {
            topo.get(plan.switchNs()).exec("bridge", "link", "set", "dev", "p-" + d.name(), "mcast_flood", "on");
        }
        for (var r : plan.reals()) write(st.dir.resolve("www-" + r.name()).resolve("health"), "ok\n");
        List<String> cmd = st.json.getJsonArray("vigilCommand", new JsonArray()).getList().stream().map(Object::toString).toList();
        for (var d : plan.directors()) {
            if (!alive(st, d.name())) {
                startDirector(st, plan, topo.get(d.ns()), d, cmd);
                out.println("restarted director " + d.name());
            }
        }
        st.incidents().clear();
        st.save();
        out.println("healed: multicast restored, /health restored, all directors running");
    }

    private static void record(LabState st, String what) {
        st.incidents().add(what);
        st.save();
    }

    // ------------------------------------------------------------------ helpers

    /** {@code live}: real-server address → the master's current weight and health, where its API answered. */
    private void ipvsNote(LabPlan plan, Map<String, JsonObject> live) {
        if (ipvsAvailable()) {
            out.println("  IPVS: kernel has ip_vs; the master programs virtual server " + LabPlan.VIP + ":80");
            return;
        }
        out.println("  IPVS: this kernel has no ip_vs, so no virtual server is programmed; the master would program"
                + (live.isEmpty() ? ":" : " (weights as it has them now):"));
        out.println("    (for real load balancing on this host: `vigil lab down`, then `vigil lab up --kernel` runs the lab in a qemu guest)");
        out.println("    -A -t " + LabPlan.VIP + ":80 -s rr");
        for (var r : plan.reals()) {
            JsonObject rs = live.get(r.address());
            int weight = rs == null ? 1 : rs.getInteger("weight", 1);
            String note = rs == null || rs.getBoolean("healthy", true) ? "" : "    # checks failing";
            out.println("    -a -t " + LabPlan.VIP + ":80 -r " + r.address() + ":80 -g -w " + weight + note);
        }
    }

    /** The master's real servers by address (GET /api/v1/virtual-servers); empty if it does not answer. */
    private Map<String, JsonObject> liveWeights(LabState st, String url) {
        try {
            var res = http.send(request(st, url + "api/v1/virtual-servers", Duration.ofSeconds(5)), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) return Map.of();
            Map<String, JsonObject> out = new java.util.HashMap<>();
            for (Object vs : new io.vertx.core.json.JsonArray(res.body())) {
                for (Object rs : ((JsonObject) vs).getJsonArray("realServers")) out.put(((JsonObject) rs).getString("address"), (JsonObject) rs);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** ip_vs loaded, or loadable now ({@code modprobe ip_vs}): the namespace lab can then balance for real. */
    public static boolean hostHasIpvs() {
        if (ipvsAvailable()) return true;
        NetnsTopology.runQuietly(List.of("modprobe", "-q", "ip_vs"));
        return ipvsAvailable();
    }

    static boolean ipvsAvailable() {
        return Files.exists(Path.of("/proc/net/ip_vs")) || Files.isDirectory(Path.of("/sys/module/ip_vs"));
    }

    static boolean alive(LabState st, String role) {
        JsonObject p = st.processes().getJsonObject(role);
        return p != null && ProcessHandle.of(p.getLong("pid")).map(ProcessHandle::isAlive).orElse(false);
    }

    static boolean holdsVip(String ns) {
        try {
            var r = NetnsTopology.adopt(List.of(ns), List.of()).get(ns).ip("-4", "-o", "addr", "show", "dev", "eth0");
            return r.output().contains(" " + LabPlan.VIP + "/");
        } catch (IOException e) {
            return false; // no such namespace or device
        }
    }

    /** The namespaces and host link a lab's state lists, to run commands in or remove. */
    private static NetnsTopology topology(LabState st) {
        return NetnsTopology.adopt(strings(st.namespaces()), strings(st.links()));
    }

    private static List<String> strings(JsonArray a) {
        return a.stream().map(String.class::cast).toList();
    }

    private static boolean hostLinkExists(String name) {
        try {
            return NetnsTopology.hostLinkExists(name);
        } catch (IOException e) {
            throw new LabException(e.getMessage());
        }
    }

    private Optional<String> apiInstanceState(LabState st, String url) {
        try {
            var res = http.send(request(st, url + "api/v1/instances/" + LabPlan.INSTANCE, Duration.ofSeconds(5)),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) return Optional.empty();
            return Optional.ofNullable(new JsonObject(res.body()).getString("state"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * A GET carrying the lab's token: the directors' APIs listen on the management network, beyond loopback,
     * where reads need it too (docs/api.md).
     */
    private static HttpRequest request(LabState st, String url, Duration timeout) {
        var b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        token(st.dir).ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b.build();
    }

    /** The token `up` generated for the directors ({@code api-token} in the state directory). */
    static Optional<String> token(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("api-token")).stream().findFirst().map(String::strip).filter(t -> !t.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private boolean awaitApi(LabState st, String role, String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && alive(st, role)) {
            try {
                var res = http.send(request(st, url + "api/v1/node", Duration.ofSeconds(1)), HttpResponse.BodyHandlers.discarding());
                if (res.statusCode() == 200) return true;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String busybox() {
        for (String p : List.of("/bin/busybox", "/usr/bin/busybox")) if (Files.isExecutable(Path.of(p))) return p;
        throw new LabException("busybox not found (apt-get install busybox-static)");
    }

    private static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name")) && !NetnsTopology.runQuietly(List.of("id", "-u")).output().strip().equals("0")) {
            throw new LabException("vigil lab needs root (network namespaces): run it with sudo");
        }
    }

    /**
     * The command that starts a Vigil node: bin/vigil when running from a build (vigil.home set by bin/vigil),
     * otherwise this JVM's java, flags and class path.
     */
    public static List<String> defaultVigilCommand() {
        String home = System.getProperty("vigil.home");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "vigil"))) return List.of(Path.of(home, "bin", "vigil").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                    || a.startsWith("-Dchronicle.")) cmd.add(a);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.vigil.cli.Main"));
        return cmd;
    }
}
