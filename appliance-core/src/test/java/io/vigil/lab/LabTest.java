package io.vigil.lab;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `vigil lab` for real: namespaces, busybox real servers, two `vigil run` nodes doing VRRP, an incident, status,
 * and a teardown that leaves no namespace, link or process behind.
 */
class LabTest {
    static final String PREFIX = "vlab-";
    @TempDir Path stateRoot;
    final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    Lab lab;
    final List<Long> pids = new ArrayList<>();

    @AfterEach
    void teardown() {
        if (lab != null) lab.down(PREFIX); // idempotent; also cleans up after a failed assertion
        System.out.println(buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void upIncidentStatusDown() throws Exception {
        lab = new Lab(stateRoot, out);
        var plan = new LabPlan(PREFIX, 2, 9179);
        lab.up(plan, Lab.defaultVigilCommand());
        String upText = buf.toString(StandardCharsets.UTF_8);
        assertThat(upText).contains("http://198.51.100.11:9179/", "http://198.51.100.12:9179/");
        assertThat(upText).doesNotContain("not answering");
        if (!Lab.ipvsAvailable()) assertThat(upText).contains("no ip_vs", "-a -t 192.0.2.50:80 -r 192.0.2.21:80 -g -w 1");

        LabState st = LabState.load(lab.dir(PREFIX));
        for (String role : st.processes().fieldNames()) pids.add(st.processes().getJsonObject(role).getLong("pid"));
        assertThat(pids).hasSize(4);

        // the service network works: client -> real server over the lab bridge
        var curl = NetnsTopology.runQuietly(List.of("ip", "netns", "exec", plan.clientNs(), "curl", "-s", "-m", "3", "http://192.0.2.22/"));
        assertThat(curl.output()).contains("hello from rs2");

        // d1 (priority 150) becomes MASTER and holds the VIP; d2 stays BACKUP
        await(() -> Lab.holdsVip(PREFIX + "d1"), Duration.ofSeconds(20), "d1 holds the VIP");
        assertThat(Lab.holdsVip(PREFIX + "d2")).isFalse();
        // the API's state is the journal's live view, refreshed by the journal writer up to 100 ms after the VIP
        await(() -> lab.directorStatus(PREFIX).stream().map(Lab.DirectorStatus::vrrpState).toList()
                .equals(List.of("MASTER", "BACKUP")), Duration.ofSeconds(5), "lab status MASTER, BACKUP");

        // the API on the management network answers from the host namespace; it listens beyond loopback, so reads
        // need the token `up` generated (lab status above sent it), /metrics does not
        var http = HttpClient.newHttpClient();
        var url = URI.create("http://198.51.100.12:9179/api/v1/instances/VI_1");
        assertThat(http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        String token = Files.readString(lab.dir(PREFIX).resolve("api-token")).strip();
        var inst = http.send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(new JsonObject(inst.body()).getString("state")).isEqualTo("BACKUP");
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://198.51.100.12:9179/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        lab.incident(PREFIX, Lab.Incident.KILL_MASTER);
        assertThat(ProcessHandle.of(pids.get(indexOf(st, "d1"))).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        await(() -> Lab.holdsVip(PREFIX + "d2"), Duration.ofSeconds(15), "d2 takes over the VIP");
        assertThat(Lab.holdsVip(PREFIX + "d1")).isFalse();
        await(() -> "MASTER".equals(lab.directorStatus(PREFIX).get(1).vrrpState()), Duration.ofSeconds(5), "d2 reports MASTER");

        buf.reset();
        lab.status(PREFIX);
        String statusText = buf.toString(StandardCharsets.UTF_8);
        assertThat(statusText).containsPattern("d1 .*STOPPED");
        assertThat(statusText).containsPattern("d2 .*running .*MASTER .*holds VIP 192.0.2.50");
        assertThat(statusText).contains("kill-master:d1");
        // the weights shown are the new master's, read from its API (HTTP_GET needs the plugin zips, which a clean
        // build makes after this module's tests, so here they are the configured ones)
        if (!Lab.ipvsAvailable()) assertThat(statusText).contains("the master would program (weights as it has them now):");

        lab.down(PREFIX);
        lab = null;
        assertNothingLeft();
    }

    private static int indexOf(LabState st, String role) {
        return new ArrayList<>(st.processes().fieldNames()).indexOf(role);
    }

    private void assertNothingLeft() {
        assertThat(NetnsTopology.runQuietly(List.of("ip", "netns", "list")).output()).doesNotContain(PREFIX);
        assertThat(NetnsTopology.runQuietly(List.of("ip", "-o", "link", "show")).output()).doesNotContain(PREFIX);
        for (long pid : pids) assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        assertThat(ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains("/vlab/") || c.contains(stateRoot.toString())).toList()).isEmpty();
        assertThat(Files.exists(stateRoot.resolve("vlab"))).isFalse();
    }

    private static void await(BooleanSupplier cond, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting: " + what);
            Thread.sleep(200);
        }
    }
}
