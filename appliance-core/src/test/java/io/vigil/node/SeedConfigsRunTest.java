package io.vigil.node;

import io.vigil.check.CheckPlan;
import io.vigil.check.CheckPlanner;
import io.vigil.check.runtime.CheckRegistry;
import io.vigil.check.HealthModel;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.CommonKeywords;
import io.vigil.check.api.ConfigNode;
import io.vigil.config.source.ConfigLoader;
import io.vigil.config.Diagnostic;
import io.vigil.config.LoadOptions;
import io.vigil.config.LoadResult;
import io.vigil.config.Severity;
import io.vigil.ipvs.ForwardMethod;
import io.vigil.ipvs.IpvsConfigMapper;
import io.vigil.ipvs.RealServerSpec;
import io.vigil.ipvs.VirtualServerSpec;
import io.vigil.vrrp.TrackerSpec;
import io.vigil.vrrp.VrrpState;
import io.vigil.vrrp.VrrpInstanceSpec;
import io.vigil.vrrp.VirtualAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every keepalived.conf of the user's articles (src/test/resources/seeds) through what {@code vigil run -f}
 * does before it touches the network: load, {@link NodeConfig#from}, {@link IpvsConfigMapper#map} and
 * {@link CheckPlanner#plan}. The seed 002 files as the article printed them (line breaks lost) must be rejected
 * with errors naming file:line; every other file must be accepted as written, mapping to what the article means.
 */
class SeedConfigsRunTest {
    static final Path SEEDS = seedsDir();

    static Path seedsDir() {
        try {
            return Path.of(SeedConfigsRunTest.class.getResource("/seeds/README.md").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(SEEDS)) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf")).sorted().toList();
            assertThat(names).hasSize(18);
            return names.stream();
        }
    }

    /** Seed 002 as printed: the article lost its line breaks, so comments swallow the configuration. */
    static boolean brokenByArticle(String name) { return name.startsWith("002_") && !name.endsWith("-restored.conf"); }

    static LoadResult load(String name) { return ConfigLoader.load(SEEDS.resolve(name), LoadOptions.defaults().withConfigId("test")); }

    /**
     * Stands in for a plugin where the real zips are not built yet (appliance-core builds first): as strict as
     * the real plugins — an unknown keyword is a CheckConfigException — and records each block it is handed.
     */
    static final class StrictFactory implements CheckFactory {
        final String keyword;
        final Set<String> allowed;
        final Map<String, ConfigNode> created = new ConcurrentHashMap<>();

        StrictFactory(String keyword, Set<String> allowed) { this.keyword = keyword; this.allowed = allowed; }

        @Override public Set<String> keywords() { return Set.of(keyword); }

        @Override public Check create(ConfigNode block) throws CheckConfigException {
            check(block);
            created.put(block.where().line() + "", block);
            return ctx -> { throw new IllegalStateException("not run in this test"); };
        }

        private void check(ConfigNode n) throws CheckConfigException {
            for (ConfigNode k : n.children()) {
                if (!allowed.contains(k.keyword()) && !CommonKeywords.HOST_HANDLED.contains(k.keyword()))
                    throw new CheckConfigException(k.where(), "unknown keyword '" + k.keyword() + "' in " + n.keyword());
                for (String a : k.args()) {
                    if (a.startsWith("//")) throw new CheckConfigException(k.where(), "annotation handed to plugin: " + a);
                }
                check(k);
            }
        }
    }

    static final StrictFactory HTTP = new StrictFactory("HTTP_GET", Set.of("url", "path", "digest", "status_code"));
    static final StrictFactory SCRIPT = new StrictFactory("vrrp_script", Set.of("script", "interval", "timeout", "weight",
            "rise", "fall", "init_fail", "user"));

    static CheckRegistry strictRegistry() {
        CheckRegistry r = CheckRegistry.builtins();
        r.register(HTTP, "test");
        r.register(SCRIPT, "test");
        return r;
    }

    record Run(LoadResult load, NodeSetup setup, List<String> nodeWarnings, IpvsConfigMapper.Mapping ipvs, CheckPlan plan) { }

    /** What {@code vigil run -f} does with the file before binding sockets; fails the test where run would fail. */
    static Run run(String name, CheckRegistry registry) throws NodeConfig.Invalid {
        LoadResult r = load(name);
        assertThat(r.errors()).as(name + " load errors").isEmpty();
        List<String> warnings = new ArrayList<>();
        NodeSetup setup = NodeConfig.from(r.config().orElseThrow(), SEEDS.resolve(name), warnings::add);
        IpvsConfigMapper.Mapping ipvs = IpvsConfigMapper.map(r.config().orElseThrow());
        assertThat(ipvs.errors()).as(name + " IPVS mapping errors").isEmpty();
        CheckPlan plan = CheckPlanner.plan(r.statements(), registry);
        assertThat(plan.errors()).as(name + " check planning errors").isEmpty();
        return new Run(r, setup, warnings, ipvs, plan);
    }

    @ParameterizedTest @MethodSource("fixtures")
    void everyFixtureRunsAsWrittenOrIsRejectedWithFileAndLine(String name) throws Exception {
        LoadResult r = load(name);
        for (Diagnostic d : r.diagnostics()) {
            assertThat(d.where().file()).as(d.format()).endsWith(name);
            assertThat(d.where().line()).as(d.format()).isPositive();
        }
        if (brokenByArticle(name)) {
            assertThat(r.errors()).as(name).isNotEmpty();
            assertThat(r.errors().getFirst().format()).contains(name + ":");
            return;
        }
        try (CheckRegistry reg = strictRegistry()) {
            Run run = run(name, reg);
            assertThat(run.setup().instances()).as(name).hasSize(1);
            for (String w : run.nodeWarnings()) assertThat(w).as("node warning names the file").contains(name + ":");
        }
    }

    @Test void seed000DirectorsWrrDrWithDigestChecksAndTheArticlesNonKeepalivedSyntaxWarned() throws Exception {
        try (CheckRegistry reg = strictRegistry()) {
            for (String side : List.of("master", "backup")) {
                String name = "000_01bd8f5ccc308432-" + side + ".conf";
                Run run = run(name, reg);
                List<String> warnings = run.load().diagnostics().stream().filter(d -> d.severity() == Severity.WARNING)
                        .map(Diagnostic::format).toList();
                // '//' is not a comment to keepalived either: each annotation is a warning at its own line
                assertThat(warnings).anySatisfy(w -> assertThat(w).contains(name + ":12:45:").contains("'//' does not start a comment"));
                assertThat(warnings).anySatisfy(w -> assertThat(w).contains(name + ":37:12:").contains("'//HttpGET'"));
                assertThat(warnings).anySatisfy(w -> assertThat(w).contains(name + ":40:22:"));
                if (side.equals("backup")) {
                    assertThat(warnings).anySatisfy(w -> assertThat(w).contains(name + ":12:15:").contains("unknown state 'SLAVE'"));
                }

                VrrpInstanceSpec vi = run.setup().instances().getFirst();
                assertThat(vi.initialState()).isEqualTo(side.equals("master") ? VrrpState.MASTER : VrrpState.BACKUP);
                assertThat(vi.priority()).isEqualTo(side.equals("master") ? 150 : 100);
                assertThat(vi.vrid()).isEqualTo(100);
                assertThat(vi.virtualAddresses()).extracting(VirtualAddress::toString).containsExactly("10.10.10.10/32");
                assertThat(run.setup().syncGroups()).singleElement().satisfies(g -> assertThat(g.members()).containsExactly("KEEPALIVED_LVS_WEB"));

                VirtualServerSpec vs = run.ipvs().virtualServers().getFirst();
                assertThat(run.ipvs().virtualServers()).hasSize(1);
                assertThat(vs.keys()).extracting(Object::toString).containsExactly("TCP 10.10.10.10:80");
                assertThat(vs.scheduler()).isEqualTo("wrr");
                assertThat(vs.lbKind()).isEqualTo(ForwardMethod.DR);
                assertThat(vs.persistenceTimeout()).isZero(); // "0表示不使用" — 0 means no persistence, as the article says
                assertThat(vs.realServers()).extracting(rs -> rs.address().getHostAddress() + ":" + rs.port() + " w" + rs.weight())
                        .containsExactly("10.10.10.13:80 w1", "10.10.10.14:80 w1");

                HealthModel.VirtualServerSpec hv = run.plan().model().virtualServers().getFirst();
                for (HealthModel.RealServerSpec rs : hv.realServers()) {
                    // both real servers are checked, including .13 whose HTTP_GET follows a '//HttpGET ...' line
                    assertThat(rs.checkers()).as(rs.id()).singleElement().satisfies(c -> {
                        assertThat(c.keyword()).isEqualTo("HTTP_GET");
                        assertThat(c.delayLoop()).isEqualTo(Duration.ofSeconds(3));
                        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
                        assertThat(c.retry()).isEqualTo(3); // nb_get_retry 3
                        assertThat(c.delayBeforeRetry()).isEqualTo(Duration.ofSeconds(3));
                    });
                }
                ConfigNode block13 = HTTP.created.get("38");
                assertThat(block13).isNotNull();
                ConfigNode url = block13.child("url").orElseThrow();
                assertThat(url.children()).extracting(ConfigNode::keyword).containsExactly("path", "digest");
                assertThat(url.value("digest")).contains("26f11e326fc7c597355f213e5677ae75");
                assertThat(block13.child("connect_timeout").orElseThrow().args()).containsExactly("3");
            }
        }
    }

    @Test void seed001PairRrDrWithUncheckedRealServers() throws Exception {
        try (CheckRegistry reg = strictRegistry()) {
            for (String side : List.of("master", "backup")) {
                Run run = run("001_2ae29d7c3a6268a4-" + side + ".conf", reg);
                VrrpInstanceSpec vi = run.setup().instances().getFirst();
                assertThat(vi.priority()).isEqualTo(side.equals("master") ? 150 : 100);
                assertThat(vi.vrid()).isEqualTo(51);
                assertThat(vi.virtualAddresses()).extracting(VirtualAddress::toString).containsExactly("192.168.4.253/32");
                VirtualServerSpec vs = run.ipvs().virtualServers().getFirst();
                assertThat(vs.scheduler()).isEqualTo("rr");
                assertThat(vs.lbKind()).isEqualTo(ForwardMethod.DR);
                assertThat(vs.persistenceTimeout()).isZero();
                assertThat(vs.realServers()).extracting(rs -> rs.address().getHostAddress() + ":" + rs.port() + " w" + rs.weight())
                        .containsExactly("192.168.4.33:80 w1", "192.168.4.44:80 w1");
                assertThat(run.plan().model().virtualServers().getFirst().realServers())
                        .allSatisfy(rs -> assertThat(rs.checkers()).isEmpty());
            }
        }
    }

    @Test void seed002VrrpScriptsBecomeTrackersAndTheUntrackedMysqlScriptIsWarned() throws Exception {
        try (CheckRegistry reg = strictRegistry()) {
            Run nginx = run("002_581f6754b3ee9466-nginx-check-master-restored.conf", reg);
            VrrpInstanceSpec vi = nginx.setup().instances().getFirst();
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of("/etc/keepalived/check_nginx_status.sh"))) {
                assertThat(vi.trackers()).containsExactly(new TrackerSpec(TrackerSpec.Kind.SCRIPT, "check_nginx", 0, false));
                assertThat(nginx.setup().scripts()).singleElement().satisfies(s -> {
                    assertThat(s.name()).isEqualTo("check_nginx");
                    assertThat(s.command().argv()).containsExactly("/etc/keepalived/check_nginx_status.sh");
                    assertThat(s.interval()).isEqualTo(Duration.ofSeconds(5));
                });
            } else {
                // the article's script is not on this machine: disabled as keepalived 2.2.7 does, and said so
                assertThat(vi.trackers()).isEmpty();
                assertThat(nginx.setup().scripts()).isEmpty();
                assertThat(nginx.nodeWarnings()).anySatisfy(w -> assertThat(w)
                        .contains("vrrp_script check_nginx: '/etc/keepalived/check_nginx_status.sh' not found; the script is disabled"));
            }
            // the mapping itself (before the file system is consulted): the script is the instance's tracker
            assertThat(io.vigil.vrrp.VrrpSpecs.fromConfig(nginx.load().config().orElseThrow()).instances().getFirst().trackers())
                    .containsExactly(new TrackerSpec(TrackerSpec.Kind.SCRIPT, "check_nginx", 0, false));

            for (String f : List.of("nginx-backup-restored", "mysql-backup-restored")) {
                VrrpInstanceSpec b = run("002_581f6754b3ee9466-" + f + ".conf", reg).setup().instances().getFirst();
                assertThat(b.preempt()).as(f + " nopreempt").isFalse();
                assertThat(b.initialState()).isEqualTo(VrrpState.BACKUP);
                assertThat(b.priority()).isEqualTo(50);
            }

            // the article's track_script block is empty (its comment swallowed the name): keepalived runs VI_1
            // without the check; Vigil does the same and says so at both places
            String name = "002_581f6754b3ee9466-mysql-check-master-restored.conf";
            Run mysql = run(name, reg);
            assertThat(mysql.setup().instances().getFirst().trackers()).isEmpty();
            assertThat(mysql.setup().scripts()).isEmpty();
            assertThat(mysql.load().warnings()).extracting(Diagnostic::format)
                    .anySatisfy(w -> assertThat(w).contains(name + ":8:1:").contains("vrrp_script check_run is not in any track_script"))
                    .anySatisfy(w -> assertThat(w).contains(name + ":25:5:").contains("empty track_script"));
        }
    }

    @Test void seed003WlcDrWithStatusCodeChecks() throws Exception {
        try (CheckRegistry reg = strictRegistry()) {
            for (String side : List.of("master", "backup")) {
                Run run = run("003_754e8130c5ce8b67-" + side + ".conf", reg);
                VrrpInstanceSpec vi = run.setup().instances().getFirst();
                assertThat(vi.priority()).isEqualTo(side.equals("master") ? 100 : 99);
                assertThat(vi.garp().masterRefresh()).isEqualTo(Duration.ofSeconds(10));
                assertThat(vi.garp().refreshRepeat()).isEqualTo(2);
                VirtualServerSpec vs = run.ipvs().virtualServers().getFirst();
                assertThat(vs.scheduler()).isEqualTo("wlc");
                assertThat(vs.lbKind()).isEqualTo(ForwardMethod.DR);
                assertThat(vs.realServers()).extracting(rs -> rs.address().getHostAddress() + ":" + rs.port() + " w" + rs.weight())
                        .containsExactly("192.168.88.10:80 w3", "192.168.88.11:80 w3");
                for (HealthModel.RealServerSpec rs : run.plan().model().virtualServers().getFirst().realServers()) {
                    assertThat(rs.checkers()).singleElement().satisfies(c -> {
                        assertThat(c.keyword()).isEqualTo("HTTP_GET");
                        assertThat(c.delayLoop()).isEqualTo(Duration.ofSeconds(6));
                        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
                    });
                }
                assertThat(HTTP.created.get("44").child("url").flatMap(u -> u.value("status_code"))).contains("200");
            }
        }
    }

    /**
     * The same planning with the real plugin zips (HTTP_GET from plugins/http, vrrp_script from plugins/script),
     * loaded through PF4J as {@code vigil run --plugins DIR} does. appliance-core is built before the plugins, so
     * on a clean reactor build the zips do not exist yet; the plugins' own *IT tests cover that order.
     */
    @Test void realPluginZipsPlanEverySeedChecker(@TempDir Path dir) throws Exception {
        Path plugins = Path.of("..", "plugins").toAbsolutePath().normalize();
        int copied = 0;
        for (String module : List.of("http", "script")) {
            Path target = plugins.resolve(module).resolve("target");
            if (!Files.isDirectory(target)) continue;
            try (var zips = Files.newDirectoryStream(target, "*-plugin.zip")) {
                for (Path z : zips) { Files.copy(z, dir.resolve(z.getFileName())); copied++; }
            }
        }
        Assumptions.assumeTrue(copied == 2, "plugin zips not built yet (run ./mvnw package first)");
        try (CheckRegistry reg = CheckRegistry.load(dir)) {
            assertThat(reg.warnings()).isEmpty();
            for (String name : fixtures().filter(n -> !brokenByArticle(n)).toList()) {
                Run run = run(name, reg);
                long checkers = run.plan().model().virtualServers().stream().flatMap(v -> v.realServers().stream())
                        .mapToLong(rs -> rs.checkers().size()).sum();
                long expected = name.startsWith("000_") || name.startsWith("003_") ? 2 : 0;
                assertThat(checkers).as(name).isEqualTo(expected);
                assertThat(run.plan().checks()).as(name).hasSize((int) expected
                        + (int) run.plan().model().trackers().size());
            }
        }
    }
}
