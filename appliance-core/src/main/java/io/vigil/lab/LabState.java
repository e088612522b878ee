package io.vigil.lab;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What a lab created, written after every step (so `vigil lab down` can undo a half-finished `up`):
 * namespaces, the host link, and the processes started. `down` removes exactly these and nothing else.
 */
final class LabState {
    final Path dir;
    final JsonObject json;

    private LabState(Path dir, JsonObject json) {
        this.dir = dir;
        this.json = json;
    }

    static Path file(Path dir) { return dir.resolve("state.json"); }

    static LabState fresh(Path dir, LabPlan plan) {
        return new LabState(dir, new JsonObject().put("prefix", plan.prefix()).put("realServers", plan.realServers())
                .put("apiPort", plan.apiPort()).put("namespaces", new JsonArray()).put("links", new JsonArray())
                .put("processes", new JsonObject()).put("incidents", new JsonArray()));
    }

    static LabState load(Path dir) {
        try {
            return new LabState(dir, new JsonObject(Files.readString(file(dir))));
        } catch (IOException e) {
            throw new LabException("no lab state in " + dir + " (is the lab up? `vigil lab up`)");
        }
    }

    LabPlan plan() { return new LabPlan(json.getString("prefix"), json.getInteger("realServers"), json.getInteger("apiPort")); }

    void addNamespace(String ns) { json.getJsonArray("namespaces").add(ns); save(); }

    void addLink(String link) { json.getJsonArray("links").add(link); save(); }

    JsonArray namespaces() { return json.getJsonArray("namespaces"); }

    JsonArray links() { return json.getJsonArray("links"); }

    /** role → {ns, pid, cmd, log}. */
    JsonObject processes() { return json.getJsonObject("processes"); }

    void process(String role, String ns, long pid, String log) {
        processes().put(role, new JsonObject().put("ns", ns).put("pid", pid).put("log", log));
        save();
    }

    JsonArray incidents() { return json.getJsonArray("incidents"); }

    void save() {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("state.json.tmp");
            Files.writeString(tmp, json.encodePrettily());
            Files.move(tmp, file(dir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
