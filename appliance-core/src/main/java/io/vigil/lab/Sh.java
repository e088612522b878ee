package io.vigil.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short commands (iproute2, kill) and reports their output; the lab's only way of touching the host. */
final class Sh {
    private Sh() {}

    record Result(int exitCode, String output) {
        boolean ok() { return exitCode == 0; }
    }

    static Result run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "timed out: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(127, cmd[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    /** Runs and throws {@link LabException} with the command's own message when it fails. */
    static String must(String... cmd) {
        Result r = run(cmd);
        if (!r.ok()) throw new LabException(String.join(" ", cmd) + ": " + r.output().strip());
        return r.output();
    }

    static String[] inNs(String ns, String... cmd) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return all.toArray(String[]::new);
    }
}
