package io.vigil.check;


import io.vigil.check.HealthModel.CheckerSpec;
import io.vigil.check.HealthModel.RealServerSpec;
import io.vigil.check.HealthModel.TrackerSpec;
import io.vigil.check.HealthModel.VirtualServerSpec;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the check-related parts of a keepalived.conf statement tree — {@code virtual_server} /
 * {@code real_server} checker blocks and {@code vrrp_script} — into a {@link CheckPlan}, building each
 * checker through the factory registered for its keyword. Timing keywords inherit checker ← real_server ←
 * virtual_server, with keepalived's defaults (delay_loop 60, connect_timeout 5; retry 1, MISC_CHECK 0, DNS_CHECK 3;
 * delay_before_retry 1, HTTP_GET/SSL_GET 3, DNS_CHECK delay_loop — keepalived 2.2.7's check_api.c/check_http.c/
 * check_dns.c/check_misc.c).
 */
public final class CheckPlanner {
    static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_DELAY_BEFORE_RETRY = Duration.ofSeconds(1);
    static final int DEFAULT_RETRY = 1;
    private static final Pattern CHECKER = Pattern.compile("[A-Z][A-Z0-9_]*");

    private final CheckFactories registry;
    private final List<CheckConfigException> errors = new ArrayList<>();
    private final Map<String, Check> checks = new LinkedHashMap<>();
    private final Map<String, String> fingerprints = new LinkedHashMap<>();
    /** global_defs' {@code script_user USER [GROUP]}, if set. */
    private ConfigNode scriptUser;
    /** top-level {@code track_file NAME { file ... }} blocks by name, for FILE_CHECK. */
    private final Map<String, ConfigNode> trackFiles = new LinkedHashMap<>();

    private CheckPlanner(CheckFactories registry) { this.registry = registry; }

    private final Map<String, String> shareKeys = new java.util.HashMap<>();

    
    /** Plans checks for the top-level statements of a parsed keepalived.conf. */
    public static CheckPlan plan(List<ConfigNode> topLevel, CheckFactories registry) {
        CheckPlanner p = new CheckPlanner(registry);
        // global_defs script_user is the default user of every script keepalived runs, MISC_CHECK's included
        for (ConfigNode n : topLevel) {
            if (n.keyword().equals("global_defs")) n.child("script_user").filter(u -> !u.args().isEmpty()).ifPresent(u -> p.scriptUser = u);
            if ((n.keyword().equals("track_file") || n.keyword().equals("vrrp_track_file")) && !n.args().isEmpty()) {
                p.trackFiles.putIfAbsent(n.args().getFirst(), n);
            }
        }
        List<VirtualServerSpec> vss = new ArrayList<>();
        List<TrackerSpec> trackers = new ArrayList<>();
        for (ConfigNode n : topLevel) {
            try {
                switch (n.keyword()) {
                    case "virtual_server" -> vss.add(p.virtualServer(n));
                    case "vrrp_script" -> p.tracker(n).ifPresent(trackers::add);
                    default -> { }
                }
            } catch (CheckConfigException e) {
                p.errors.add(e);
            }
        }
        for (VirtualServerSpec vs : vss) {
            StringBuilder v = new StringBuilder("quorum " + vs.quorum() + " " + vs.hysteresis());
            for (RealServerSpec rs : vs.realServers()) {
                StringBuilder r = new StringBuilder(rs.address() + " " + rs.port() + " weight " + rs.weight() + " inhibit "
                        + rs.inhibitOnFailure() + " alpha " + rs.alpha());
                for (CheckerSpec c : rs.checkers()) r.append('\n').append(c.name()).append(' ').append(p.fingerprints.get(c.name()));
                p.fingerprints.put(vs.id() + "|" + rs.id(), r.toString());
                v.append('\n').append(rs.id()).append(' ').append(r);
            }
            p.fingerprints.put(vs.id(), v.toString());
        }
        return new CheckPlan(new HealthModel(vss, trackers), p.checks, p.errors, p.fingerprints, p.shareKeys);
    }

    private VirtualServerSpec virtualServer(ConfigNode vs) throws CheckConfigException {
        String id = String.join(" ", vs.args());
        if (id.isEmpty()) throw new CheckConfigException(vs.where(), "virtual_server: missing address and port");
        id = id.replaceFirst("^(\\S+) (\\d+)$", "$1:$2");
        int quorum = vs.child("quorum").isPresent() ? ConfigValues.integer(vs.child("quorum").get(), 1, Integer.MAX_VALUE) : 1;
        int hyst = vs.child("hysteresis").isPresent() ? ConfigValues.integer(vs.child("hysteresis").get(), 0, Integer.MAX_VALUE) : 0;
        List<RealServerSpec> rss = new ArrayList<>();
        for (ConfigNode rs : vs.childrenNamed("real_server")) {
            try {
                rss.add(realServer(vs, id, rs));
            } catch (CheckConfigException e) {
                errors.add(e);
            }
        }
        return new VirtualServerSpec(id, quorum, hyst, rss);
    }

    private RealServerSpec realServer(ConfigNode vs, String vsId, ConfigNode rs) throws CheckConfigException {
        if (rs.args().size() < 2) throw new CheckConfigException(rs.where(), "real_server: expected address and port");
        String addr = rs.args().get(0);
        int port = ConfigValues.integer(new ConfigNode("real_server port", List.of(rs.args().get(1)), List.of(), rs.where()), 0, 65535);
        String rsId = (addr.indexOf(':') >= 0 ? "[" + addr + "]" : addr) + ":" + port;
        int weight = rs.child("weight").isPresent() ? ConfigValues.integer(rs.child("weight").get(), 0, 65535) : 1;
        boolean inhibit = rs.child("inhibit_on_failure").isPresent() || vs.child("inhibit_on_failure").isPresent();
        boolean alpha = rs.child("alpha").isPresent() || vs.child("alpha").isPresent();
        List<CheckerSpec> specs = new ArrayList<>();
        int index = 0;
        for (ConfigNode raw : rs.children()) {
            if (!CHECKER.matcher(raw.keyword()).matches()) continue;
            ConfigNode c = withTrackFile(withScriptUser(withoutSlashAnnotations(raw)), weight, rs);
            String name = c.keyword() + "#" + index++ + " " + rsId + " (vs " + vsId + ")";
            try {
                CheckFactory f = registry.factory(c.keyword()).orElseThrow(() -> new CheckConfigException(c.where(),
                        "no check plugin provides " + c.keyword() + " (is its plugin in the plugins directory?)"));
                Check check = f.create(c);
                // keepalived watches a FILE_CHECK's file with inotify; read it every second unless told otherwise
                Duration delayLoop = c.keyword().equals("FILE_CHECK")
                        ? ConfigValues.optionalSeconds(c, "delay_loop").orElse(Duration.ofSeconds(1))
                        : inherited(c, rs, vs, "delay_loop", DEFAULT_DELAY_LOOP);
                Duration connectTimeout = inherited(c, rs, vs, "connect_timeout", DEFAULT_CONNECT_TIMEOUT);
                Duration delayBeforeRetry = inherited(c, rs, vs, "delay_before_retry", defaultDelayBeforeRetry(c.keyword(), delayLoop));
                Duration warmup = inherited(c, rs, vs, "warmup", Duration.ZERO);
                int retry = retry(c, rs, vs, defaultRetry(c.keyword()));
                String target = c.value("connect_ip").orElse(addr);
                int targetPort = c.child("connect_port").isPresent()
                        ? ConfigValues.integer(c.child("connect_port").get(), 1, 65535) : port;
                if (checks.containsKey(name)) {
                    throw new CheckConfigException(rs.where(), "real_server " + rsId + " is defined twice in virtual_server " + vsId);
                }
                specs.add(new CheckerSpec(name, c.keyword(), target, targetPort, delayLoop, connectTimeout, retry,
                        delayBeforeRetry, warmup, c.value("bindto"), c.where()));
                // keepalived #2358: the same real server with the same checker in several virtual servers is probed
                // once. Equal key = same target, same block (every option, in order), same timing and retry, same
                // initial state (alpha): such checkers see the same results at the same times, so one probe serves all.
                shareKeys.put(name, c.keyword() + " " + target + ":" + targetPort + " " + delayLoop + " " + connectTimeout
                        + " " + delayBeforeRetry + " " + warmup + " retry " + retry + " alpha " + alpha + " " + canonical(c));
                checks.put(name, check);
                fingerprints.put(name, String.join(" ", c.keyword(), target, String.valueOf(targetPort), delayLoop.toString(),
                        connectTimeout.toString(), String.valueOf(retry), delayBeforeRetry.toString(), warmup.toString(),
                        String.valueOf(c.value("bindto"))) + " " + canonical(c));
            } catch (CheckConfigException e) {
                errors.add(e);
            }
        }
        return new RealServerSpec(rsId, addr, port, weight, inhibit, alpha, specs);
    }

    /** A statement as text without its file position: what a reload compares. */
    public static String canonical(ConfigNode n) {
        StringBuilder b = new StringBuilder(n.keyword());
        for (String a : n.args()) b.append('\u0001').append(a);
        if (n.hasBlock()) {
            b.append('{');
            for (ConfigNode c : n.children()) b.append(canonical(c)).append('\n');
            b.append('}');
        }
        return b.toString();
    }

    /**
     * The block without the {@code //} annotations copied-and-pasted how-tos put in (seed 000): keepalived
     * skips an unknown {@code //...} keyword (with its block) and a word starting with {@code //} after a
     * value. The loader has already warned about each with file:line, so plugins — which reject unknown
     * keywords — get the block keepalived would act on instead of failing the whole checker.
     */
    static ConfigNode withoutSlashAnnotations(ConfigNode n) {
        List<String> args = n.args();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith("//")) { args = args.subList(0, i); break; }
        }
        List<ConfigNode> kids = new ArrayList<>(n.children().size());
        for (ConfigNode k : n.children()) if (!k.keyword().startsWith("//")) kids.add(withoutSlashAnnotations(k));
        return new ConfigNode(n.keyword(), args, kids, n.where());
    }

    /** A MISC_CHECK without its own {@code user} runs as global_defs' script_user (the statement keeps its file:line). */
    ConfigNode withScriptUser(ConfigNode checker) {
        if (scriptUser == null || !checker.keyword().equals("MISC_CHECK") || checker.child("user").isPresent()) return checker;
        List<ConfigNode> kids = new ArrayList<>(checker.children());
        kids.add(new ConfigNode("user", scriptUser.args(), List.of(), scriptUser.where()));
        return new ConfigNode(checker.keyword(), checker.args(), kids, checker.where());
    }

    private static Duration inherited(ConfigNode checker, ConfigNode rs, ConfigNode vs, String key, Duration dflt)
            throws CheckConfigException {
        for (ConfigNode n : List.of(checker, rs, vs)) {
            Optional<Duration> d = ConfigValues.optionalSeconds(n, key);
            if (d.isPresent()) return d.get();
        }
        return dflt;
    }

    private static int retry(ConfigNode checker, ConfigNode rs, ConfigNode vs, int dflt) throws CheckConfigException {
        for (ConfigNode n : List.of(checker, rs, vs)) {
            for (String k : List.of("retry", "nb_get_retry")) {
                Optional<ConfigNode> r = n.child(k);
                if (r.isPresent()) return ConfigValues.integer(r.get(), 0, 1_000_000);
            }
        }
        return dflt;
    }

    /** keepalived's per-checker retry default (check_misc.c 0, check_dns.c 3; FILE_CHECK has no retries). */
    static int defaultRetry(String keyword) {
        return switch (keyword) {
            case "MISC_CHECK", "FILE_CHECK" -> 0;
            case "DNS_CHECK" -> 3;
            default -> DEFAULT_RETRY;
        };
    }

    /** keepalived's per-checker delay_before_retry default (check_http.c 3 s, check_dns.c delay_loop, else 1 s). */
    static Duration defaultDelayBeforeRetry(String keyword, Duration delayLoop) {
        return switch (keyword) {
            case "HTTP_GET", "SSL_GET" -> Duration.ofSeconds(3);
            case "DNS_CHECK" -> delayLoop;
            default -> DEFAULT_DELAY_BEFORE_RETRY;
        };
    }

    /**
     * A FILE_CHECK gets what its plugin cannot see: the top-level {@code track_file NAME} definition as the
     * block of its {@code track_file NAME} statement, and the real server's configured weight (the base the file's
     * value adjusts). An unknown name is left as it is; the plugin reports it.
     */
    ConfigNode withTrackFile(ConfigNode checker, int rsWeight, ConfigNode rs) {
        if (!checker.keyword().equals("FILE_CHECK")) return checker;
        List<ConfigNode> kids = new ArrayList<>();
        for (ConfigNode k : checker.children()) {
            ConfigNode def = k.keyword().equals("track_file") && !k.args().isEmpty() ? trackFiles.get(k.args().getFirst()) : null;
            kids.add(def == null ? k : new ConfigNode(k.keyword(), k.args(), withoutSlashAnnotations(def).children(), k.where()));
        }
        kids.add(new ConfigNode("@real_server_weight", List.of(String.valueOf(rsWeight)), List.of(), rs.where()));
        return new ConfigNode(checker.keyword(), checker.args(), kids, checker.where());
    }

    /**
     * {@code vrrp_script NAME { script "..." | CHECKER_BLOCK { ... } ; interval; timeout; weight [reverse];
     * rise; fall; init_fail }}. A script is run by the factory claiming {@code vrrp_script} (the script
     * plugin); a nested checker block (NGINX_CHECK, MYSQL_CHECK, ...) by its own factory.
     */
    private Optional<TrackerSpec> tracker(ConfigNode vs) throws CheckConfigException {
        if (vs.args().isEmpty()) throw new CheckConfigException(vs.where(), "vrrp_script: missing name");
        String name = vs.args().getFirst();
        List<ConfigNode> blocks = vs.children().stream().filter(c -> CHECKER.matcher(c.keyword()).matches()).toList();
        ConfigNode checkBlock;
        vs = withoutSlashAnnotations(vs);
        if (vs.child("script").isPresent()) {
            if (!blocks.isEmpty()) throw new CheckConfigException(blocks.getFirst().where(),
                    "vrrp_script " + name + ": has both 'script' and a " + blocks.getFirst().keyword() + " block");
            checkBlock = vs;
        } else if (blocks.size() == 1) {
            checkBlock = withoutSlashAnnotations(blocks.getFirst());
        } else {
            throw new CheckConfigException(vs.where(), "vrrp_script " + name
                    + ": needs 'script' or exactly one checker block (e.g. NGINX_CHECK { ... })");
        }
        Duration interval = ConfigValues.optionalSeconds(vs, "interval").orElse(Duration.ofSeconds(1));
        if (interval.isZero()) throw new CheckConfigException(vs.child("interval").get().where(), "interval: must be > 0");
        Duration timeout = ConfigValues.optionalSeconds(vs, "timeout").orElse(interval);
        int weight = 0;
        boolean reverse = false;
        Optional<ConfigNode> w = vs.child("weight");
        if (w.isPresent()) {
            weight = ConfigValues.integer(w.get(), -253, 253);
            reverse = w.get().args().size() > 1 && w.get().args().get(1).equals("reverse");
        }
        int rise = vs.child("rise").isPresent() ? ConfigValues.integer(vs.child("rise").get(), 1, 1_000_000) : 1;
        int fall = vs.child("fall").isPresent() ? ConfigValues.integer(vs.child("fall").get(), 1, 1_000_000) : 1;
        CheckFactory f = registry.factory(checkBlock.keyword()).orElseThrow(() -> new CheckConfigException(checkBlock.where(),
                "no check plugin provides " + checkBlock.keyword() + " (is its plugin in the plugins directory?)"));
        Check check = f.create(checkBlock);
        String target = checkBlock.value("connect_ip").orElse("127.0.0.1");
        int port = checkBlock.child("connect_port").isPresent()
                ? ConfigValues.integer(checkBlock.child("connect_port").get(), 1, 65535) : 0;
        if (checks.containsKey(name)) throw new CheckConfigException(vs.where(), "vrrp_script " + name + " is defined twice");
        checks.put(name, check);
        return Optional.of(new TrackerSpec(name, checkBlock.keyword(), target, port, interval, timeout, weight, reverse,
                rise, fall, vs.child("init_fail").isPresent(), vs.where()));
    }
}
