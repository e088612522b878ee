package io.vigil.vrrp;

import io.vigil.testdata.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Router interaction scripts (src/test/resources/vrrp-router/*.txt): configuration lines, then input lines
 * ({@code at <ms> <input>}), each followed by the effects the router hands out, indented, and its next deadline.
 * Run with {@code -Dvigil.testdata.rewrite=true} to rewrite the expected lines from what the router does (then
 * read the diff before committing it).
 * <pre>
 * instance NAME IFACE VRID PRIORITY SOURCE [nopreempt] [track KIND:NAME:WEIGHT]... [higher_prio_send_advert]
 *          [lower_prio_no_advert] [down_timer_adverts:N] [notify_master_rx_lower_pri:CMD] [garp_lower_prio:DELAY_S:REPEAT]
 * group NAME MEMBER...
 * at MS apply                       the instance/group lines since the previous apply (first: start, then: reload)
 * at MS tick
 * at MS advert IFACE VRID FROM PRIORITY   as the instance with that VRID (else the first) would send it
 * at MS script|process NAME up|down ; at MS file NAME VALUE ; at MS link IFACE up|down
 * at MS priority INSTANCE P ; at MS shutdown
 * </pre>
 */
class VrrpRouterScriptTest {
    static final long T0 = 1_000 * Fixtures.S;

    static Stream<Path> scripts() throws IOException {
        return TestData.files("vrrp-router");
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void routerDoesWhatTheScriptSays(Path script) throws IOException {
        TestData.check(script, run(Files.readString(script)));
    }

    static String run(String text) {
        VrrpRouter router = new VrrpRouter();
        List<VrrpInstanceSpec> specs = new ArrayList<>(), all = new ArrayList<>();
        List<SyncGroupSpec> groups = new ArrayList<>();
        boolean started = false;
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("  ")) continue; // expected output: regenerated below
            out.append(line).append('\n');
            String[] w = line.trim().split("\\s+");
            if (line.isBlank() || line.startsWith("#")) continue;
            switch (w[0]) {
                case "instance" -> { VrrpInstanceSpec s = instance(w); specs.add(s); all.add(s); }
                case "group" -> groups.add(new SyncGroupSpec(w[1], List.of(w).subList(2, w.length), NotifySpec.NONE));
                case "at" -> {
                    long now = T0 + Long.parseLong(w[1]) * Fixtures.MS;
                    List<VrrpRouter.Batch> batches = new ArrayList<>();
                    switch (w[2]) {
                        case "apply" -> {
                            VrrpRouter.Plan plan = router.plan(specs, groups);
                            out.append("  plan: ").append(plan.summary()).append('\n');
                            router.apply(plan, now, started ? VrrpRouter.Origin.RELOAD : VrrpRouter.Origin.RUN, 0, batches::add);
                            started = true;
                            specs = new ArrayList<>();
                            groups = new ArrayList<>();
                        }
                        case "tick" -> router.step(new VrrpRouter.Input.Tick(now), batches::add);
                        case "advert" -> {
                            int vrid = Integer.parseInt(w[4]);
                            VrrpInstanceSpec like = all.stream().filter(s -> s.vrid() == vrid).findFirst().orElse(all.getFirst());
                            Ipv4Address from = Ipv4Address.parse(w[5]);
                            byte[] msg = VrrpAdvertFlyweight.encode(like.version(), vrid, Integer.parseInt(w[6]), like.advertIntervalCentis(),
                                    like.virtualAddresses().stream().map(VirtualAddress::address).toList(), like.authType(),
                                    like.authPassword(), from, Ipv4Address.VRRP_GROUP);
                            router.step(new VrrpRouter.Input.Datagram(now, w[3],
                                    ReceivedAdvert.decodeMessage(msg, from, Ipv4Address.VRRP_GROUP, 255), -1), batches::add);
                        }
                        case "script", "process" -> router.step(new VrrpRouter.Input.Tracker(now, TrackerSpec.Kind.valueOf(w[2].toUpperCase()),
                                w[3], w[4].equals("up"), w[4].equals("up") ? 1 : 0), batches::add);
                        case "file" -> router.step(new VrrpRouter.Input.Tracker(now, TrackerSpec.Kind.FILE, w[3],
                                Long.parseLong(w[4]) == 0, Long.parseLong(w[4])), batches::add);
                        case "link" -> router.step(new VrrpRouter.Input.Link(now, w[3], w[4].equals("up")), batches::add);
                        case "priority" -> router.step(new VrrpRouter.Input.SetPriority(now, w[3], Integer.parseInt(w[4]), null), batches::add);
                        case "shutdown" -> router.step(new VrrpRouter.Input.Shutdown(now, null), batches::add);
                        default -> throw new IllegalArgumentException("unknown input: " + line);
                    }
                    for (VrrpRouter.Batch b : batches)
                        for (VrrpEffect e : b.effects()) out.append("  ").append(render(e, b.origin())).append('\n');
                    out.append("  next ").append(router.nextDeadline().isPresent()
                            ? String.format("%.3f", (router.nextDeadline().getAsLong() - T0) / 1e6) : "none").append('\n');
                }
                default -> throw new IllegalArgumentException("unknown line: " + line);
            }
        }
        return out.substring(0, out.length() - 1);
    }

    static VrrpInstanceSpec instance(String[] w) {
        var b = VrrpInstanceSpec.builder(w[1]).interfaceName(w[2]).vrid(Integer.parseInt(w[3])).priority(Integer.parseInt(w[4]))
                .sourceAddress(Ipv4Address.parse(w[5])).virtualAddress("192.0.2." + w[3]).version(3);
        AdvertOptions o = AdvertOptions.DEFAULT;
        for (int i = 6; i < w.length; i++) {
            String[] kv = w[i].split(":");
            if (w[i].equals("nopreempt")) b.preempt(false);
            else if (w[i].equals("higher_prio_send_advert")) o = o.withHigherPrioSendAdvert(true);
            else if (w[i].equals("lower_prio_no_advert")) o = o.withLowerPrioNoAdvert(true);
            else if (kv[0].equals("down_timer_adverts")) o = o.withDownTimerAdverts(Integer.parseInt(kv[1]));
            else if (kv[0].equals("notify_master_rx_lower_pri")) o = o.withNotifyMasterRxLowerPri(kv[1]);
            else if (kv[0].equals("garp_lower_prio")) // DELAY_S:REPEAT
                b.garp(new GarpSpec(java.time.Duration.ofSeconds(5), 5, java.time.Duration.ZERO, 1,
                        java.time.Duration.ofSeconds(Long.parseLong(kv[1])), Integer.parseInt(kv[2])));
            else if (w[i].equals("track")) {
                String[] t = w[++i].split(":");
                b.tracker(new TrackerSpec(TrackerSpec.Kind.valueOf(t[0].toUpperCase()), t[1], Integer.parseInt(t[2]), false));
            } else throw new IllegalArgumentException("unknown instance option " + w[i]);
        }
        return b.advertOptions(o).build();
    }

    static String render(VrrpEffect e, VrrpRouter.Origin o) {
        String tag = o instanceof VrrpRouter.Origin.Run ? "" : "[" + o.getClass().getSimpleName().toLowerCase() + "] ";
        return tag + switch (e) {
            case VrrpEffect.SendAdvert a -> "send " + a.instance() + " priority " + a.priority() + " to " + a.destination();
            case VrrpEffect.StateChanged s -> s.instance() + " " + s.from() + " -> " + s.to() + " (" + JournalCauses.words(s.cause(), o.reload()) + ")";
            case VrrpEffect.PriorityChanged p -> p.instance() + " priority " + p.from() + " -> " + p.to() + " (" + JournalCauses.words(p.cause(), o.reload()) + ")";
            default -> e.toString();
        };
    }
}
