package io.vigil.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ground truth from the wire: VRRP adverts as {@code tcpdump -l -n -tt -v -i br0 ip proto 112} printed them on the
 * lab's bridge, and the split-brain windows they prove — the intervals in which two routers both sent adverts for
 * one VRID (from the second's first advert to the last advert of the one that yielded).
 */
record WireTruth(List<Advert> adverts) {
    record Advert(double time, String source, int vrid, int priority) {}

    /** A router's stretch of adverts: first to last, without a gap longer than {@code maxGap} or a priority 0. */
    record Sending(String source, int vrid, double from, double to) {}

    record Window(int vrid, double from, double to) {
        double seconds() { return to - from; }
    }

    private static final Pattern TIME = Pattern.compile("^(\\d+\\.\\d+) IP ");
    private static final Pattern ADVERT = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+) > [\\d.]+: (?i:vrrp).*?vrid (\\d+), prio (\\d+)");

    static WireTruth parse(String tcpdump) {
        List<Advert> out = new ArrayList<>();
        double t = -1;
        for (String line : tcpdump.split("\n")) {
            Matcher tm = TIME.matcher(line);
            if (tm.find()) t = Double.parseDouble(tm.group(1));
            Matcher am = ADVERT.matcher(line);
            if (am.find() && t >= 0) out.add(new Advert(t, am.group(1), Integer.parseInt(am.group(2)), Integer.parseInt(am.group(3))));
        }
        return new WireTruth(List.copyOf(out));
    }

    List<Sending> sending(double maxGap) {
        Map<String, List<Advert>> bySource = new TreeMap<>();
        for (Advert a : adverts) bySource.computeIfAbsent(a.source() + "|" + a.vrid(), k -> new ArrayList<>()).add(a);
        List<Sending> out = new ArrayList<>();
        for (List<Advert> l : bySource.values()) {
            Advert first = null, last = null;
            for (Advert a : l) {
                if (a.priority() == 0) {
                    if (first != null) out.add(new Sending(first.source(), first.vrid(), first.time(), a.time()));
                    first = last = null;
                    continue;
                }
                if (last != null && a.time() - last.time() > maxGap) {
                    out.add(new Sending(first.source(), first.vrid(), first.time(), last.time()));
                    first = null;
                }
                if (first == null) first = a;
                last = a;
            }
            if (first != null) out.add(new Sending(first.source(), first.vrid(), first.time(), last.time()));
        }
        return out;
    }

    /** Intervals in which two sources both sent adverts for one VRID. */
    List<Window> splitBrains(double maxGap) {
        List<Sending> s = sending(maxGap);
        List<Window> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++)
            for (int j = i + 1; j < s.size(); j++) {
                Sending x = s.get(i), y = s.get(j);
                if (x.vrid() != y.vrid() || x.source().equals(y.source())) continue;
                double from = Math.max(x.from(), y.from()), to = Math.min(x.to(), y.to());
                if (from < to) out.add(new Window(x.vrid(), from, to));
            }
        out.sort((a, b) -> Double.compare(a.from(), b.from()));
        return out;
    }

    /** Time of {@code source}'s last advert at or before {@code t}. */
    double lastAdvertBefore(String source, double t) {
        double best = -1;
        for (Advert a : adverts) if (a.source().equals(source) && a.time() <= t) best = a.time();
        return best;
    }
}
