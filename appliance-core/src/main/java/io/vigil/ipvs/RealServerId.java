package io.vigil.ipvs;

/** A real server within one virtual server: the key of its live state. */
public record RealServerId(String virtualServer, DestKey dest) {
    @Override public String toString() { return virtualServer + " → " + dest; }
}
