package io.vigil.lab;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code vigil lab up --kernel}: the same lab inside one qemu guest (iso-build/qemu/lab-guest.sh) built from the
 * appliance ISO's kernel and tools, for hosts whose kernel has no ip_vs. The guest runs {@link LabAgent}; this side
 * keeps {@code guest.json} in the lab's state directory (qemu's pid, the forwarded loopback ports), sends the
 * lab's commands to the agent over a forwarded port, and reaches the VIP and the directors' APIs over others.
 * {@code down} stops qemu (the guest lives in RAM: nothing of it outlives the process) and removes the directory.
 */
public final class LabGuest {
    /** Booting the guest under TCG takes ~2 min on a 2-core host; one loaded by other guests took over 5 min. */
    static final Duration BOOT_TIMEOUT = Duration.ofMinutes(10);

    private final Path stateRoot;
    private final PrintStream out;

    public LabGuest(Path stateRoot, PrintStream out) {
        this.stateRoot = stateRoot;
        this.out = out;
    }

    static Path file(Path dir) { return dir.resolve("guest.json"); }

    Path dir(String prefix) { return new Lab(stateRoot, out).dir(prefix); }

    /** True when the lab with this prefix runs in a guest (its state says so). */
    public boolean isUp(String prefix) { return Files.exists(file(dir(prefix))); }

    /** The loopback ports qemu forwards into the guest. */
    record Ports(int vip, int agent, int d1, int d2) {
        JsonObject json() { return new JsonObject().put("vip", vip).put("agent", agent).put("d1", d1).put("d2", d2); }

        static Ports of(JsonObject j) { return new Ports(j.getInteger("vip"), j.getInteger("agent"), j.getInteger("d1"), j.getInteger("d2")); }
    }

    /** Where the guest's boot script lives under a Vigil tree, if this is one (bin/vigil sets vigil.home). */
    public static Optional<Path> script() {
        String home = System.getProperty("vigil.home");
        if (home == null) return Optional.empty();
        Path s = Path.of(home, "iso-build", "qemu", "lab-guest.sh");
        return Files.isRegularFile(s) ? Optional.of(s) : Optional.empty();
    }

    /** Whether {@code --kernel} can run here: the boot script beside this build, and qemu. */
    public static Optional<String> unavailableReason() {
        if (script().isEmpty()) return Optional.of("iso-build/qemu/lab-guest.sh not found (run bin/vigil from a Vigil source tree)");
        if (NetnsTopology.runQuietly(List.of("sh", "-c", "command -v qemu-system-x86_64")).output().isBlank()) {
            return Optional.of("qemu-system-x86_64 not found (apt-get install qemu-system-x86)");
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ up

    public void up(LabPlan plan) {
        Path dir = dir(plan.prefix());
        if (Files.exists(file(dir)) || Files.exists(LabState.file(dir))) {
            throw new LabException("a lab with prefix " + plan.prefix() + " is already up (state in " + dir + "); run `vigil lab down` first");
        }
        Path script = script().orElseThrow(() -> new LabException(unavailableReason().orElse("no lab-guest.sh")));
        unavailableReason().ifPresent(r -> { throw new LabException(r); });
        Ports ports = new Ports(freePort(), freePort(), freePort(), freePort());
        JsonObject state = new JsonObject().put("prefix", plan.prefix()).put("realServers", plan.realServers())
                .put("apiPort", plan.apiPort()).put("ports", ports.json());
        save(dir, state);
        long t0 = System.nanoTime();
        String token;
        try {
            boot(dir, plan, ports, script, state);
            awaitAgent(dir, ports, t0);
            token = request(ports, "token", Duration.ofSeconds(30)).text().strip();
        } catch (RuntimeException e) {
            out.println("lab: the guest did not come up: " + e.getMessage());
            tail(dir.resolve("serial.log"), 25).forEach(l -> out.println("  | " + l));
            down(plan.prefix());
            throw e;
        }
        Path tokenFile = dir.resolve("api-token");
        try {
            Files.writeString(tokenFile, token + "\n");
            Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.printf("lab %s is up in a qemu guest (%.0f s; state in %s, console %s)%n", plan.prefix(),
                (System.nanoTime() - t0) / 1e9, dir, dir.resolve("serial.log"));
        out.println("  VIP " + LabPlan.VIP + ":80 from this host: http://127.0.0.1:" + ports.vip()
                + "/  (qemu forwards it to the guest's service network; the master's IPVS balances it)");
        out.println("  director d1 management API http://127.0.0.1:" + ports.d1() + "/  (198.51.100.11:" + plan.apiPort() + " in the guest)");
        out.println("  director d2 management API http://127.0.0.1:" + ports.d2() + "/  (198.51.100.12:" + plan.apiPort() + " in the guest)");
        out.println("  API token file: " + tokenFile + "  (curl -H \"Authorization: Bearer $(cat " + tokenFile + ")\" ...)");
        out.println("now: vigil lab curl;  vigil lab status;  vigil lab incident kill-master | partition | fail-check | heal;  vigil lab down");
        forward(plan.prefix(), "status");
    }

    /** The guest's `lab status`, then where its services are reachable from this host. */
    public int status(String prefix) {
        int rc = forward(prefix, "status");
        Ports p = ports(prefix);
        out.println("  (qemu guest " + qemu(dir(prefix)).map(h -> "pid " + h.pid()).orElse("NOT RUNNING") + "; from this host: VIP http://127.0.0.1:"
                + p.vip() + "/, d1 API http://127.0.0.1:" + p.d1() + "/, d2 API http://127.0.0.1:" + p.d2() + "/)");
        return rc;
    }

    private void boot(Path dir, LabPlan plan, Ports ports, Path script, JsonObject state) {
        out.println("lab: building the guest's initramfs and starting qemu (log " + dir.resolve("guest-boot.log") + ")");
        try {
            Process p = new ProcessBuilder("bash", script.toString(), dir.toString(), plan.prefix(),
                    String.valueOf(plan.realServers()), String.valueOf(plan.apiPort()), String.valueOf(ports.vip()),
                    String.valueOf(ports.agent()), String.valueOf(ports.d1()), String.valueOf(ports.d2()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("guest-boot.log").toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new LabException("lab-guest.sh did not finish in 10 min");
            }
            if (p.exitValue() != 0) {
                throw new LabException("lab-guest.sh failed (exit " + p.exitValue() + "): " + Files.readString(dir.resolve("guest-boot.log")).strip());
            }
            state.put("qemuPid", Long.parseLong(Files.readString(dir.resolve("qemu.pid")).strip()));
            save(dir, state);
        } catch (IOException e) {
            throw new LabException("cannot start the guest: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }

    /** Waits for the agent, printing the guest's progress lines (=== VIGIL-LAB ...) as they appear. */
    private void awaitAgent(Path dir, Ports ports, long t0) {
        long deadline = t0 + BOOT_TIMEOUT.toNanos();
        Path serial = dir.resolve("serial.log");
        int shown = 0;
        long lastDot = System.nanoTime();
        while (true) {
            List<String> progress = readLines(serial).stream().filter(l -> l.startsWith("=== VIGIL-LAB") || l.startsWith("lab ")
                    || l.startsWith("  director ")).toList();
            for (; shown < progress.size(); shown++) {
                out.printf("  [%3.0f s] %s%n", (System.nanoTime() - t0) / 1e9, progress.get(shown));
                lastDot = System.nanoTime();
            }
            if (System.nanoTime() - lastDot > TimeUnit.SECONDS.toNanos(15)) {
                out.printf("  [%3.0f s] (guest still starting)%n", (System.nanoTime() - t0) / 1e9);
                lastDot = System.nanoTime();
            }
            if (!qemuAlive(dir)) throw new LabException("qemu exited during boot");
            if (System.nanoTime() > deadline) throw new LabException("no answer from the guest's lab agent within " + BOOT_TIMEOUT.toSeconds() + " s");
            if (progress.stream().anyMatch(l -> l.startsWith("=== VIGIL-LAB ready"))) {
                try {
                    if (request(ports, "ping", Duration.ofSeconds(10)).rc() == 0) return;
                } catch (LabException notYet) {
                    // the NICs are plugged just before the agent listens; qemu's forward may lag a moment
                }
            }
            sleep(2000);
        }
    }

    // ------------------------------------------------------------------ commands

    /** Sends one lab command to the guest's agent and prints its output; returns the command's exit code. */
    public int forward(String prefix, String command) {
        Reply r = request(ports(prefix), command, Duration.ofMinutes(3));
        out.print(r.text());
        return r.rc();
    }

    record Reply(String text, int rc) {}

    Reply request(Ports ports, String command, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", ports.agent()), 5000);
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream o = s.getOutputStream();
            o.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder text = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith(LabAgent.RC)) return new Reply(text.toString(), Integer.parseInt(line.substring(LabAgent.RC.length()).strip()));
                text.append(line).append('\n');
            }
            throw new LabException("the guest's lab agent closed the connection without an answer (is the guest up? console: "
                    + "serial.log in the lab's state directory)");
        } catch (IOException e) {
            throw new LabException("cannot reach the guest's lab agent on 127.0.0.1:" + ports.agent() + ": " + e.getMessage());
        }
    }

    /**
     * {@code n} requests to the VIP through qemu's forward, each on a new connection (HTTP/1.0), as a client would;
     * prints each answer's first line. Returns how many were answered.
     */
    public int curl(String prefix, int n) {
        Ports ports = ports(prefix);
        int ok = 0;
        for (int i = 1; i <= n; i++) {
            String answer;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", ports.vip()), 3000);
                s.setSoTimeout(3000);
                s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + LabPlan.VIP + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int body = resp.indexOf("\r\n\r\n");
                answer = resp.startsWith("HTTP/") && body >= 0 ? resp.substring(body + 4).strip().lines().findFirst().orElse("(empty)") : null;
            } catch (IOException e) {
                answer = null;
            }
            if (answer != null) ok++;
            out.printf("  %d  http://%s/ -> %s%n", i, LabPlan.VIP, answer == null ? "no answer" : answer);
        }
        return ok;
    }

    // ------------------------------------------------------------------ down

    public void down(String prefix) {
        Path dir = dir(prefix);
        if (!Files.exists(file(dir))) {
            out.println("lab " + prefix + ": nothing to remove (no guest state in " + dir + ")");
            return;
        }
        Optional<ProcessHandle> qemu = qemu(dir);
        qemu.ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
                h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> h).join();
            }
        });
        if (qemu.isPresent() && qemu.get().isAlive()) throw new LabException("qemu (pid " + qemu.get().pid() + ") did not stop");
        Lab.deleteTree(dir);
        try {
            Files.deleteIfExists(stateRoot); // only when empty
        } catch (IOException ignored) {
            // another lab still has its state here
        }
        out.println("lab " + prefix + " removed: " + (qemu.isPresent() ? "qemu guest (pid " + qemu.get().pid() + ") stopped" : "no qemu was running")
                + ", state " + dir + " deleted");
    }

    // ------------------------------------------------------------------ helpers

    private Ports ports(String prefix) {
        Path dir = dir(prefix);
        try {
            return Ports.of(new JsonObject(Files.readString(file(dir))).getJsonObject("ports"));
        } catch (IOException e) {
            throw new LabException("no guest lab state in " + dir + " (is the lab up? `vigil lab up --kernel`)");
        }
    }

    /** qemu's process, when the recorded pid is still a qemu (a reused pid is left alone). */
    static Optional<ProcessHandle> qemu(Path dir) {
        try {
            JsonObject j = new JsonObject(Files.readString(file(dir)));
            Long pid = j.getLong("qemuPid");
            if (pid == null && Files.exists(dir.resolve("qemu.pid"))) pid = Long.parseLong(Files.readString(dir.resolve("qemu.pid")).strip());
            if (pid == null) return Optional.empty();
            return ProcessHandle.of(pid).filter(h -> h.info().command().map(c -> c.contains("qemu")).orElse(false));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean qemuAlive(Path dir) { return qemu(dir).map(ProcessHandle::isAlive).orElse(false); }

    private static void save(Path dir, JsonObject state) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("guest.json.tmp");
            Files.writeString(tmp, state.encodePrettily());
            Files.move(tmp, file(dir), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> readLines(Path f) {
        try {
            return Files.exists(f) ? new String(Files.readAllBytes(f), StandardCharsets.UTF_8).replace("\r", "").lines().toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<String> tail(Path f, int n) {
        List<String> all = new ArrayList<>(readLines(f));
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }
}
