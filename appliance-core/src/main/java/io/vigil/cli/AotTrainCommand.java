package io.vigil.cli;

import io.vertx.core.Vertx;
import io.vigil.check.CheckPlanner;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.check.runtime.CheckScheduler;
import io.vigil.config.source.ConfigLoader;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.journal.store.JournalConfig;
import io.vigil.node.NodeConfig;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;

/**
 * The training run for JDK 25's AOT cache (JEP 483/514/515), made by the package step:
 * {@code VIGIL_AOT=off VIGIL_JAVA_OPTS=-XX:AOTCacheOutput=appliance-core/target/vigil.aot bin/vigil aot-train}.
 * It walks what {@code vigil run} does before and after the first advert — parses {@code run}'s options, loads a
 * keepalived.conf, builds the VRRP setup, initialises the VRRP sockets' downcalls, opens and writes a journal, plans and runs TCP_CHECKs against a refused loopback port — without
 * touching a network interface or the kernel's IPVS table (a build host is no director), and loads every class
 * of vigil.jar, so the cache holds them loaded and linked, with profiles for the hot start-up code.
 */
@Command(name = "aot-train", hidden = true, description = "AOT cache training run (package step); touches no network")
public final class AotTrainCommand implements Callable<Integer> {
    static final String CONF = """
            global_defs {
              router_id train
            }
            vrrp_instance VI_1 {
              state BACKUP
              interface eth0
              virtual_router_id 51
              priority 100
              advert_int 1
              authentication {
                auth_type PASS
                auth_pass s3cr3t
              }
              virtual_ipaddress {
                192.0.2.100/24
              }
            }
            virtual_server 192.0.2.100 80 {
              delay_loop 1
              lb_algo rr
              lb_kind NAT
              protocol TCP
              real_server 127.0.0.1 %d {
                weight 1
                TCP_CHECK {
                  connect_timeout 1
                }
              }
            }
            """;

    @Override public Integer call() throws Exception {
        Path tmp = Files.createTempDirectory("vigil-aot");
        try {
            int refused;
            try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) { refused = s.getLocalPort(); }
            String text = CONF.formatted(refused);
            Path conf = Files.writeString(tmp.resolve("keepalived.conf"), text);
            // vigil run's own path to its first advert, up to the network: its options through picocli (whose
            // classes the cache cannot hold, but their callers' are), the VRRP downcalls' classes, the journal opened
            // beside the configuration's reading, the node config
            StartupWarmup.initAll();
            var cl = Main.alone("run");
            cl.parseArgs("run", "-f", conf.toString(), "--journal", tmp.resolve("journal").toString(), "--no-api",
                    "--plugins", tmp.resolve("no-plugins").toString());
            RunCommand run = cl.getSubcommands().get("run").getCommand();
            var opening = run.openJournal(RunCommand.bytes(run.retainSize));
            LoadResult r = run.source.load();
            var setup = NodeConfig.from(r.config().orElseThrow(), conf, w -> { });
            try (Journal journal = opening.join()) {
                journal.nameNode("train");
                long s = journal.append(Cause.NONE, journal.nodeStarted("vigil aot-train", ProcessHandle.current().pid()));
                journal.append(Cause.event(s), new Event.VrrpTransition(setup.instances().getFirst().name(),
                        Event.VrrpState.INIT, Event.VrrpState.BACKUP, "startup", 100));
                Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
                try (CheckRegistry reg = CheckRegistry.builtins();
                     CheckScheduler sched = new CheckScheduler(vertx, CheckPlanner.plan(r.statements(), reg), new SplittableRandom(1))) {
                    sched.start().await();
                    Thread.sleep(1500);
                } finally {
                    vertx.close().await();
                }
                journal.flush(Duration.ofSeconds(5));
            }
            loadAll();
            return 0;
        } finally {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Loads (without initialising) every io.vigil class of the jar this runs from. */
    private static void loadAll() throws IOException {
        var src = AotTrainCommand.class.getProtectionDomain().getCodeSource();
        if (src == null || !src.getLocation().getPath().endsWith(".jar")) return;
        ClassLoader cl = AotTrainCommand.class.getClassLoader();
        try (JarFile jar = new JarFile(src.getLocation().getPath())) {
            jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/vigil/") && n.endsWith(".class"))
                    .forEach(n -> {
                        try {
                            Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, cl);
                        } catch (Throwable ignored) {
                            // a class that needs what a build host lacks: it is simply not cached
                        }
                    });
        }
    }
}
