package io.vigil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil ldirectord-convert FILE}: prints the keepalived.conf equivalent of an ldirectord.cf
 * (virtual/real/scheduler/persistent/fallback/quiescent and the connect/negotiate checks; see
 * docs/plugins.md). Settings without an equivalent are printed as {@code !} comments naming their line.
 */
@Command(name = "ldirectord-convert", mixinStandardHelpOptions = true,
        description = "Print the keepalived.conf equivalent of an ldirectord.cf (for Vigil).")
public final class LdirectordConvertCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "FILE", description = "ldirectord.cf") Path file;

    @Override public Integer call() {
        try {
            spec.commandLine().getOut().print(convert(Files.readAllLines(file), file.toString()));
            return 0;
        } catch (IOException e) {
            spec.commandLine().getErr().println("vigil ldirectord-convert: cannot read " + file + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("vigil ldirectord-convert: " + e.getMessage());
            return 2;
        }
    }

    private record Virtual(String address, int line, Map<String, String> opts, List<String> reals) {}

    public static String convert(List<String> lines, String name) {
        Map<String, String> global = new LinkedHashMap<>();
        List<Virtual> virtuals = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Virtual cur = null;
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            String l = raw.replaceFirst("\\s+#.*$", "").replaceFirst("^#.*$", "");
            if (l.isBlank()) continue;
            boolean indented = Character.isWhitespace(l.charAt(0));
            String t = l.strip();
            int eq = t.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException(name + ":" + (i + 1) + ": expected key=value: " + t);
            String k = t.substring(0, eq).strip();
            String v = t.substring(eq + 1).strip().replaceAll("^\"|\"$", "");
            if (k.equals("virtual")) {
                cur = new Virtual(v, i + 1, new LinkedHashMap<>(), new ArrayList<>());
                virtuals.add(cur);
            } else if (indented && cur != null) {
                if (k.equals("real")) cur.reals.add(v); else cur.opts.put(k, v);
            } else {
                cur = null;
                global.put(k, v);
            }
        }
        StringBuilder out = new StringBuilder("! converted from " + name + " by vigil ldirectord-convert\n");
        for (Virtual vs : virtuals) {
            Map<String, String> o = new LinkedHashMap<>(global);
            o.putAll(vs.opts);
            String[] hp = hostPort(vs.address, name, vs.line);
            out.append("virtual_server ").append(hp[0]).append(' ').append(hp[1]).append(" {\n");
            out.append("    delay_loop ").append(o.getOrDefault("checkinterval", "5")).append('\n');
            out.append("    lb_algo ").append(o.getOrDefault("scheduler", "wrr")).append('\n');
            String kind = "DR";
            out.append("    lb_kind %s\n");
            if (o.containsKey("persistent")) out.append("    persistence_timeout ").append(o.get("persistent")).append('\n');
            out.append("    protocol ").append(o.getOrDefault("protocol", "tcp").toUpperCase(java.util.Locale.ROOT)).append('\n');
            if (o.containsKey("fallback")) {
                String[] fb = hostPort(o.get("fallback").split("\\s+")[0], name, vs.line);
                out.append("    sorry_server ").append(fb[0]).append(' ').append(fb[1]).append('\n');
            }
            boolean quiescent = o.getOrDefault("quiescent", "yes").equalsIgnoreCase("yes");
            String check = checker(o);
            for (String real : vs.reals) {
                String[] w = real.split("\\s+");
                kind = switch (w.length > 1 ? w[1] : "gate") { case "masq" -> "NAT"; case "ipip" -> "TUN"; default -> "DR"; };
                String[] rp = hostPort(w[0], name, vs.line);
                for (String addr : range(rp[0])) {
                    out.append("    real_server ").append(addr).append(' ').append(rp[1]).append(" {\n");
                    out.append("        weight ").append(w.length > 2 ? w[2] : "1").append('\n');
                    if (quiescent) out.append("        inhibit_on_failure\n");
                    out.append(check);
                    out.append("    }\n");
                }
            }
            out.append("}\n");
            int at = out.indexOf("    lb_kind %s\n");
            out.replace(at, at + "    lb_kind %s\n".length(), "    lb_kind " + kind + "\n");
        }
        for (String k : List.of("autoreload", "logfile", "emailalert", "callback")) {
            if (global.containsKey(k)) notes.add("! " + k + "=" + global.get(k) + ": no keepalived.conf equivalent (Vigil journals instead)");
        }
        notes.forEach(n -> out.append(n).append('\n'));
        return out.toString();
    }

    private static String checker(Map<String, String> o) {
        String type = o.getOrDefault("checktype", "negotiate");
        String timeout = o.getOrDefault("negotiatetimeout", o.getOrDefault("checktimeout", "5"));
        String port = o.containsKey("checkport") ? "            connect_port " + o.get("checkport") + "\n" : "";
        if (type.equals("connect")) {
            return "        TCP_CHECK {\n" + port + "            connect_timeout " + timeout + "\n        }\n";
        }
        if (type.equals("off") || type.equals("on")) return "";
        String kw = o.getOrDefault("service", "http").equals("https") ? "SSL_GET" : "HTTP_GET";
        String path = o.getOrDefault("request", "/");
        if (!path.startsWith("/")) path = "/" + path;
        StringBuilder b = new StringBuilder("        ").append(kw).append(" {\n            url {\n")
                .append("                path ").append(path).append('\n');
        if (o.containsKey("receive")) b.append("                regex \"").append(o.get("receive")).append("\"\n");
        b.append("            }\n");
        if (o.containsKey("virtualhost")) b.append("            virtualhost ").append(o.get("virtualhost")).append('\n');
        return b.append(port).append("            connect_timeout ").append(timeout).append("\n        }\n").toString();
    }

    private static String[] hostPort(String s, String name, int line) {
        int c = s.lastIndexOf(':');
        if (c < 0) throw new IllegalArgumentException(name + ":" + line + ": expected address:port, got " + s);
        return new String[]{s.substring(0, c), s.substring(c + 1)};
    }

    /** ldirectord's {@code 192.168.6.2->192.168.6.7} ranges (last octet). */
    private static List<String> range(String a) {
        int arrow = a.indexOf("->");
        if (arrow < 0) return List.of(a);
        String from = a.substring(0, arrow);
        String to = a.substring(arrow + 2);
        String prefix = from.substring(0, from.lastIndexOf('.') + 1);
        int lo = Integer.parseInt(from.substring(from.lastIndexOf('.') + 1));
        int hi = Integer.parseInt(to.substring(to.lastIndexOf('.') + 1));
        List<String> out = new ArrayList<>();
        for (int i = lo; i <= hi; i++) out.add(prefix + i);
        return out;
    }
}
