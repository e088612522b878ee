package io.vigil.node;

import static io.vigil.node.NetLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduling keywords of global_defs through `vigil run` (the real launcher): the threads of the running JVM are
 * read from /proc/PID/task/TID (comm, stat: nice, rt_priority, policy; status: Cpus_allowed_list), the process's
 * locked memory from /proc/PID/status and RLIMIT_RTTIME from /proc/PID/limits.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SchedulingNetnsTest {
    NetLab lab;
    String a;

    @BeforeEach void lab() throws Exception {
        lab = new NetLab("sch");
        a = lab.node("a", "192.0.2.11");
    }

    @AfterEach void teardown() throws Exception { lab.close(); }

    /** One task of the process: its name and /proc fields. */
    record Task(int tid, String comm, int nice, int rtPriority, int policy, String cpus) {}

    static List<Task> tasks(long pid) throws IOException {
        List<Task> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : s.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
                    String cpus = Files.readAllLines(t.resolve("status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                            .findFirst().orElse("").replace("Cpus_allowed_list:", "").strip();
                    // nice: field 19, rt_priority: 40, policy: 41
                    out.add(new Task(Integer.parseInt(t.getFileName().toString()), comm, Integer.parseInt(f[16]),
                            Integer.parseInt(f[37]), Integer.parseInt(f[38]), cpus));
                } catch (IOException | RuntimeException gone) { /* a thread that ended meanwhile */ }
            }
        }
        return out;
    }

    static Task named(List<Task> ts, String comm) {
        return ts.stream().filter(t -> t.comm().equals(comm)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + comm + " in " + ts));
    }

    @Test void vrrpAndCheckerThreadsGetWhatTheConfigAsks() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        int last = cpus - 1;
        Path conf = lab.write("sched.conf", """
                global_defs {
                  vrrp_rt_priority 7
                  vrrp_priority -5
                  vrrp_cpu_affinity 0
                  vrrp_no_swap
                  vrrp_rlimit_rttime 2000000
                  checker_priority 5
                  checker_cpu_affinity %d
                  max_auto_priority 9
                  min_auto_priority_delay 1
                }
                vrrp_instance VI_1 {
                  state MASTER
                  interface eth0
                  virtual_router_id 51
                  priority 150
                  advert_int 1
                  virtual_ipaddress {
                    192.0.2.100/24
                  }
                }
                virtual_server 192.0.2.100 80 {
                  delay_loop 1
                  lb_kind DR
                  protocol TCP
                  real_server 192.0.2.11 80 {
                    TCP_CHECK {
                      connect_timeout 1
                    }
                  }
                }
                """.formatted(last));
        NetLab.Proc p = lab.vigil("vigil", a, conf);
        NetLab.awaitStarted(p);
        long pid = p.pid();
        // max_auto_priority 9 with min_auto_priority_delay 1 µs: every wake-up is later than that, so 7 -> 8 -> 9
        await("vrrp thread at SCHED_RR 9", p::logText, Duration.ofSeconds(30),
                NetLab.quiet(() -> named(tasks(pid), "vrrp").rtPriority() == 9));
        await("checker loops tuned", p::logText, Duration.ofSeconds(30),
                NetLab.quiet(() -> tasks(pid).stream().anyMatch(t -> t.comm().startsWith("vert.x-eventloo") && t.nice() == 5)));
        List<Task> ts = tasks(pid);
        Task vrrp = named(ts, "vrrp");
        assertThat(vrrp.policy()).as("SCHED_RR").isEqualTo(2);
        assertThat(vrrp.nice()).isEqualTo(-5);
        assertThat(vrrp.cpus()).isEqualTo("0");
        Task io = named(ts, "vrrp-io");
        assertThat(io.policy()).isEqualTo(2);
        assertThat(io.rtPriority()).isEqualTo(6); // just below the vrrp thread's configured 7
        assertThat(io.cpus()).isEqualTo("0");
        Task rx = named(ts, "vrrp-rx-eth0");
        assertThat(rx.rtPriority()).isEqualTo(7);
        assertThat(rx.nice()).isEqualTo(-5);
        // the checker's event loops that ran a probe, and the IPVS thread
        List<Task> loops = ts.stream().filter(t -> t.comm().startsWith("vert.x-eventloo") && t.nice() == 5).toList();
        assertThat(loops).isNotEmpty().allSatisfy(t -> assertThat(t.cpus()).isEqualTo(Integer.toString(last)));
        assertThat(named(ts, "vigil-ipvs").nice()).isEqualTo(5);
        // process-wide: mlockall and RLIMIT_RTTIME (soft half of it)
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        long locked = Long.parseLong(status.lines().filter(l -> l.startsWith("VmLck:")).findFirst().orElseThrow()
                .replaceAll("\\D", ""));
        assertThat(locked).as("VmLck kB").isPositive();
        assertThat(Files.readString(Path.of("/proc/" + pid + "/limits")))
                .containsPattern("Max realtime timeout\\s+1000000\\s+2000000\\s+us");
        assertThat(p.logText()).contains("vrrp: scheduler SCHED_RR 7").contains("vrrp: nice -5")
                .contains("A thread timer expired").contains("vrrp: scheduler SCHED_RR 9 (max_auto_priority");
        assertThat(lab.term(p, Duration.ofSeconds(20))).isZero();
        String journal = NetLab.run(Stream.concat(NetLab.vigilCommand().stream(), Stream.of("journal", "show", "--dir",
                lab.dir.resolve("vigil-journal").toString(), "--type", "host-changed")).toArray(String[]::new));
        assertThat(journal).contains("vrrp scheduler SCHED_RR 7").contains("process mlockall").contains("vigil-ipvs nice 5");
    }
}
