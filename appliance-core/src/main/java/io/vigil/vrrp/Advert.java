package io.vigil.vrrp;

import java.security.MessageDigest;

/**
 * A received advertisement as the engine validates it: a {@link ReceivedAdvert} (a value, kept by simulators and
 * tests) or a {@link ReceivedAdvertView} (a flyweight over the receive buffer, reused for every datagram, so the
 * steady-state receive path allocates nothing). Addresses are read as their 32 bits; {@link #source()} and
 * {@link #destination()} make objects and are for the rare paths (a drop, a new master).
 */
public sealed interface Advert permits ReceivedAdvert, ReceivedAdvertView {
    int sourceBits();
    int destinationBits();
    Ipv4Address source();
    Ipv4Address destination();
    int ttl();
    int version();
    int type();
    int vrid();
    int priority();
    /** v2's auth type; {@link VrrpAdvertFlyweight#AUTH_NONE} for v3. */
    int authType();
    int advertIntervalCentis();
    boolean checksumValid();
    int addressCount();
    int addressBits(int index);
    /** Constant-time comparison of the v2 auth data with {@code expected} (as {@link MessageDigest#isEqual}). */
    boolean authDataEquals(byte[] expected);
    /** A value that stays valid after the receive buffer is reused. */
    ReceivedAdvert snapshot();

    /** Whether the advert lists exactly as many addresses as {@code configured} and every one of them (keepalived). */
    default boolean listsExactly(java.util.List<Ipv4Address> configured) {
        int n = addressCount();
        if (n != configured.size()) return false;
        for (int c = 0; c < configured.size(); c++) {
            int want = configured.get(c).bits();
            boolean found = false;
            for (int i = 0; i < n && !found; i++) found = addressBits(i) == want;
            if (!found) return false;
        }
        return true;
    }
}
