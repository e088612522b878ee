package io.vigil.node;

import io.vigil.journal.Cause;
import io.vigil.journal.Event;
import io.vigil.journal.store.Journal;
import io.vigil.vrrp.Ipv4Address;
import io.vigil.vrrp.VipFirewall;
import io.vigil.vrrp.VirtualAddress;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The edge of {@link VipFirewall}: runs its scripts with {@code nft -f -} on the address thread, in order with the
 * VIPs (into the set before the VIPs are added, out of it after they are removed, as keepalived), and journals each
 * as {@code host-changed} (setting "nftables") with the cause of the address change. Only instances in
 * {@code noAccept} are filtered; the set of them follows reloads.
 */
final class NftFirewall {
    /** Bounds one nft run: the address thread must not hang on it. */
    private static final long TIMEOUT_MS = 5000;

    private final Journal journal;
    private final AddressKeeper keeper;
    private final VipFirewall plan; // touched on the address thread only
    private volatile Set<String> noAccept;

    NftFirewall(Journal journal, AddressKeeper keeper, FirewallSetup setup) {
        this.journal = journal;
        this.keeper = keeper;
        this.plan = new VipFirewall(setup.table(), setup.priority(), setup.counters());
        this.noAccept = setup.noAccept();
    }

    void reload(FirewallSetup next) { noAccept = next.noAccept(); }

    void add(String instance, List<VirtualAddress> vips, Cause cause) {
        if (!noAccept.contains(instance)) return;
        List<Ipv4Address> as = vips.stream().map(VirtualAddress::address).toList();
        keeper.after(() -> plan.add(instance, as).ifPresent(s -> run(instance, s, cause)));
    }

    void remove(String instance, List<VirtualAddress> vips, Cause cause) {
        List<Ipv4Address> as = vips.stream().map(VirtualAddress::address).toList();
        keeper.after(() -> plan.remove(instance, as).ifPresent(s -> run(instance, s, cause)));
    }

    /** Deletes the table (queued after the address work before it). */
    void delete(Cause cause) {
        keeper.after(() -> plan.delete().ifPresent(s -> run("", s, cause)));
    }

    private void run(String owner, String script, Cause cause) {
        String what = oneLine(script);
        Optional<String> error = nft(script);
        journal.append(cause, new Event.HostChanged(owner, "nftables", what, error.isEmpty(), error.orElse("")));
        String who = owner.isEmpty() ? "" : "(" + owner + ") ";
        if (error.isEmpty()) NodeLog.info(who + "nftables: " + what);
        else NodeLog.error(who + "nftables failed, traffic to the VIPs is not filtered as no_accept asks: " + what
                + ": " + error.get());
    }

    /** Runs {@code nft -f -}; the error (nft's output, or why it could not run) if it failed. */
    static Optional<String> nft(String script) {
        try {
            Process p = new ProcessBuilder(command(), "-f", "-").redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) { in.write(script.getBytes(StandardCharsets.UTF_8)); }
            if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return Optional.of("nft did not finish in " + TIMEOUT_MS + " ms");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? Optional.empty() : Optional.of("nft exit " + p.exitValue() + ": " + out);
        } catch (Exception e) {
            return Optional.of("cannot run nft (install the nftables package): " + e.getMessage());
        }
    }

    /** The nft binary: on PATH, else where Debian puts it (root's PATH may lack /usr/sbin under some launchers). */
    static String command() {
        for (String d : List.of("/usr/sbin/nft", "/sbin/nft")) if (Files.isExecutable(Path.of(d))) return d;
        return "nft";
    }

    /** Whether an nft binary is there to run (checked at start: a missing one is warned about at once). */
    static boolean available() {
        if (!command().equals("nft")) return true;
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(":")) if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nft"))) return true;
        return false;
    }

    static String oneLine(String script) {
        return script.strip().replaceAll("\\s*\\n\\s*", "; ").replaceAll("\\s+", " ").replace("{;", "{").replace("; }", " }")
                .replace(";;", ";");
    }
}
