package io.vigil.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs inside the {@code vigil lab up --kernel} guest (iso-build/qemu/lab-init.sh): builds the lab with
 * {@link Lab#up} exactly as on a host with ip_vs, plugs the guest's qemu NICs into the lab's bridges, then
 * answers the host's {@link LabGuest} on a TCP port, one command a connection:
 * a request line ({@code status}, {@code incident KIND}, {@code log ROLE}, {@code token}, {@code ping}), the command's output, and a
 * last line {@value #RC} followed by its exit code. Commands run one at a time, as they would from one shell.
 */
public final class LabAgent {
    static final String RC = "=== rc ";

    private LabAgent() {}

    record Options(LabPlan plan, InetSocketAddress listen, List<String[]> uplinks, List<String> nodeCommand) {
        static Options parse(String[] args) {
            String prefix = LabPlan.DEFAULT_PREFIX, listen = "0.0.0.0:7179";
            int reals = 2, port = 9179;
            List<String[]> uplinks = new ArrayList<>();
            List<String> node = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--prefix" -> prefix = args[++i];
                    case "--real-servers" -> reals = Integer.parseInt(args[++i]);
                    case "--api-port" -> port = Integer.parseInt(args[++i]);
                    case "--listen" -> listen = args[++i];
                    case "--uplink" -> uplinks.add(args[++i].split("=", 2));
                    case "--" -> {
                        node.addAll(List.of(args).subList(i + 1, args.length));
                        i = args.length;
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (node.isEmpty()) throw new IllegalArgumentException("no node command after --");
            int colon = listen.lastIndexOf(':');
            return new Options(new LabPlan(prefix, reals, port),
                    new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))), uplinks, node);
        }
    }

    public static void main(String[] args) throws IOException {
        Options o = Options.parse(args);
        long t0 = System.nanoTime();
        System.out.println("=== VIGIL-LAB lab up");
        new Lab(Lab.DEFAULT_STATE_ROOT, System.out).up(o.plan(), o.nodeCommand());
        for (String[] u : o.uplinks()) plug(o.plan(), u[0], u[1]);
        System.out.printf("=== VIGIL-LAB ready in %.0f s: agent on %s%n", (System.nanoTime() - t0) / 1e9, o.listen());
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(o.listen());
            while (true) {
                try (Socket s = server.accept()) {
                    serve(o.plan(), s);
                } catch (IOException e) {
                    System.out.println("lab agent: " + e.getMessage());
                }
            }
        }
    }

    /** Moves a guest NIC into the lab's switch namespace as one more port of {@code bridge}. */
    private static void plug(LabPlan plan, String nic, String bridge) throws IOException {
        var r = NetnsTopology.runQuietly(List.of("ip", "link", "set", nic, "netns", plan.switchNs()));
        if (!r.ok()) throw new IOException("ip link set " + nic + " netns " + plan.switchNs() + ": " + r.output().strip());
        r = NetnsTopology.runQuietly(List.of("ip", "-n", plan.switchNs(), "link", "set", nic, "master", bridge, "up"));
        if (!r.ok()) throw new IOException("ip link set " + nic + " master " + bridge + ": " + r.output().strip());
        System.out.println("=== VIGIL-LAB " + nic + " plugged into " + bridge);
    }

    private static void serve(LabPlan plan, Socket s) throws IOException {
        s.setSoTimeout(10_000);
        String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        PrintStream out = new PrintStream(s.getOutputStream(), true, StandardCharsets.UTF_8);
        System.out.println("lab agent: " + line);
        int rc = run(plan, line == null ? "" : line.strip(), out);
        out.println(RC + rc);
    }

    static int run(LabPlan plan, String request, PrintStream out) {
        Lab lab = new Lab(Lab.DEFAULT_STATE_ROOT, out);
        String[] words = request.split("\\s+");
        try {
            switch (words[0]) {
                case "ping" -> out.println("ready");
                case "token" -> out.println(Lab.token(lab.dir(plan.prefix())).orElse(""));
                case "status" -> lab.status(plan.prefix());
                case "log" -> lab.log(plan.prefix(), words.length == 2 ? words[1] : "");
                case "incident" -> {
                    if (words.length != 2) throw new LabException("incident KIND");
                    lab.incident(plan.prefix(), Lab.Incident.valueOf(words[1].toUpperCase(Locale.ROOT).replace('-', '_')));
                }
                default -> {
                    out.println("vigil lab: the guest's agent does not know '" + request + "'");
                    return 2;
                }
            }
            return 0;
        } catch (LabException | java.io.UncheckedIOException | IllegalArgumentException e) {
            out.println("vigil lab: " + e.getMessage());
            return 1;
        }
    }
}
