package io.vigil.plugin.http;

import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.ConfigNode;
import java.util.ArrayList;
import java.util.List;

/** keepalived {@code status_code}: one or more codes or inclusive ranges ({@code 200 301-302}). Default: 2xx. */
public record StatusCodes(List<int[]> ranges) {
    public static final StatusCodes DEFAULT = new StatusCodes(List.<int[]>of(new int[]{200, 299}));

    public static StatusCodes parse(ConfigNode node) throws CheckConfigException {
        if (node.args().isEmpty()) throw new CheckConfigException(node.where(), "status_code: missing value");
        List<int[]> out = new ArrayList<>();
        for (String a : node.args()) {
            String[] p = a.split("-", 2);
            try {
                int lo = Integer.parseInt(p[0]);
                int hi = p.length == 2 ? Integer.parseInt(p[1]) : lo;
                if (lo < 100 || hi > 599 || lo > hi) throw new NumberFormatException();
                out.add(new int[]{lo, hi});
            } catch (NumberFormatException e) {
                throw new CheckConfigException(node.where(), "status_code: '" + a + "' is not an HTTP status or range like 200-299");
            }
        }
        return new StatusCodes(List.copyOf(out));
    }

    public boolean accepts(int code) {
        for (int[] r : ranges) if (code >= r[0] && code <= r[1]) return true;
        return false;
    }

    @Override public String toString() {
        return String.join(",", ranges.stream().map(r -> r[0] == r[1] ? "" + r[0] : r[0] + "-" + r[1]).toList());
    }
}
