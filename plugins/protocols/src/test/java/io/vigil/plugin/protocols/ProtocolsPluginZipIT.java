package io.vigil.plugin.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import io.vigil.check.CheckPlan;
import io.vigil.check.CheckPlanner;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.check.runtime.CheckScheduler;
import io.vigil.check.HealthEvent;
import io.vigil.check.HealthModel;
import io.vigil.config.source.ConfigLoader;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built zip through PF4J, a keepalived.conf through Vigil's loader and the planner, probes through the scheduler:
 * SMTP_CHECK (GreenMail), DNS_CHECK (dnsmasq), UDP_CHECK (echo) and FILE_CHECK (its track_file) go up, then down
 * when their server stops or the file says so, with the checker's detail on each probe (what the node journals).
 */
class ProtocolsPluginZipIT {

    @Test void realServersFollowTheirServers(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        try (var files = Files.list(Path.of(System.getProperty("vigil.plugin.zip.dir", "target")))) {
            Path zip = files.filter(f -> f.getFileName().toString().endsWith("-plugin.zip")).findFirst().orElseThrow();
            Files.copy(zip, plugins.resolve(zip.getFileName()));
        }
        int smtp = ProtocolChecksTest.freePort(), dns = ProtocolChecksTest.freeUdpPort();
        Path weightFile = dir.resolve("rs4.weight");
        Files.writeString(weightFile, "2\n");
        GreenMail mail = new GreenMail(new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        Process dnsmasq = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--user=root",
                "--pid-file=", "--port=" + dns, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--host-record=www.vigil.test,192.0.2.10").redirectErrorStream(true)
                .redirectOutput(dir.resolve("dnsmasq.out").toFile()).start();
        DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[512];
            while (!echo.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    echo.receive(p);
                    echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        String conf = """
                track_file rs4 {
                    file %s
                    weight 3
                }
                virtual_server 192.0.2.100 25 {
                    delay_loop 0.3
                    protocol TCP
                    real_server 127.0.0.1 %d {
                        SMTP_CHECK {
                            helo_name director.example.org
                            connect_timeout 1
                            retry 0
                        }
                    }
                    real_server 127.0.0.2 %d {
                        DNS_CHECK {
                            connect_ip 127.0.0.1
                            type A
                            name www.vigil.test
                            connect_timeout 1
                            retry 0
                        }
                    }
                    real_server 127.0.0.3 %d {
                        UDP_CHECK {
                            connect_ip 127.0.0.1
                            require_reply
                            connect_timeout 1
                            retry 0
                        }
                    }
                    real_server 127.0.0.4 80 {
                        weight 5
                        FILE_CHECK {
                            track_file rs4
                        }
                    }
                }
                """.formatted(weightFile, smtp, dns, echo.getLocalPort());
        Vertx vertx = Vertx.vertx();
        try (CheckRegistry reg = CheckRegistry.load(plugins)) {
            assertThat(reg.warnings()).isEmpty();
            for (String k : List.of("SMTP_CHECK", "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK")) {
                assertThat(reg.providers()).containsEntry(k, "plugin vigil-check-protocols 0.1.0-SNAPSHOT");
            }
            LoadResult loaded = ConfigLoader.loadText("keepalived.conf", conf, dir, LoadOptions.defaults());
            assertThat(loaded.errors()).isEmpty();
            assertThat(loaded.warnings()).isEmpty();
            CheckPlan plan = CheckPlanner.plan(loaded.statements(), reg);
            assertThat(plan.errors()).isEmpty();
            assertThat(plan.checks()).hasSize(4);
            // keepalived's defaults: FILE_CHECK is read every second and has no retries
            HealthModel.CheckerSpec file = plan.model().virtualServers().getFirst().realServers().get(3).checkers().getFirst();
            assertThat(file.delayLoop()).isEqualTo(Duration.ofSeconds(1));
            assertThat(file.retry()).isZero();
            var events = new ConcurrentLinkedQueue<HealthEvent>();
            try (CheckScheduler s = new CheckScheduler(vertx, plan, new Random(1))) {
                s.addListener(events::add);
                s.start().await(5, TimeUnit.SECONDS);
                for (String[] rs : List.of(new String[] {"127.0.0.1:" + smtp, "HELO director.example.org accepted"},
                        new String[] {"127.0.0.2:" + dns, "A www.vigil.test NOERROR, 1 answer(s)"},
                        new String[] {"127.0.0.3:" + echo.getLocalPort(), "reply of 32 octets"},
                        new String[] {"127.0.0.4:80", "= 2: weight 5 + 6 = 11"})) {
                    await(events, e -> e instanceof HealthEvent.ProbeCompleted p && p.up() && p.checker().contains(rs[0])
                            && p.detail().endsWith(rs[1]));
                }
                mail.stop();
                dnsmasq.destroy();
                int udp = echo.getLocalPort();
                echo.close();
                Files.writeString(weightFile, "-100\n");
                for (String rs : List.of("127.0.0.1:" + smtp, "127.0.0.2:" + dns, "127.0.0.3:" + udp)) {
                    await(events, e -> e instanceof HealthEvent.RealServerChanged r && !r.alive() && r.realServer().equals(rs));
                }
                await(events, e -> e instanceof HealthEvent.ProbeCompleted p && p.up() && p.checker().contains("127.0.0.4:80")
                        && p.detail().endsWith("= -100: weight 5 - 300 = 0"));
                assertThat(events).anyMatch(e -> e instanceof HealthEvent.ProbeCompleted p && !p.up()
                        && p.detail().equals("DNS server 127.0.0.1:" + dns + ": port unreachable (ICMP)"));
                assertThat(events).anyMatch(e -> e instanceof HealthEvent.ProbeCompleted p && !p.up()
                        && p.detail().equals("SMTP server 127.0.0.1:" + smtp + ": connection refused"));
            }
        } finally {
            mail.stop();
            dnsmasq.destroy();
            dnsmasq.waitFor(5, TimeUnit.SECONDS);
            echo.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static void await(ConcurrentLinkedQueue<HealthEvent> events, Predicate<HealthEvent> p) throws InterruptedException {
        long end = System.currentTimeMillis() + 15000;
        while (System.currentTimeMillis() < end && events.stream().noneMatch(p)) Thread.sleep(50);
        assertThat(events).as("state events: %s", events.stream().filter(e -> !(e instanceof HealthEvent.ProbeCompleted)).toList()).anyMatch(p);
    }
}
