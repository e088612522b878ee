package io.vigil.ipvs;

import java.util.Objects;

/** One destination (real server) of a virtual service as the kernel holds it. */
public record IpvsDest(DestKey key, ForwardMethod forward, int weight, int upperThreshold, int lowerThreshold) {
    public IpvsDest {
        Objects.requireNonNull(key);
        Objects.requireNonNull(forward);
        if (weight < 0) throw new IllegalArgumentException("negative weight for " + key);
    }

    public static IpvsDest of(DestKey key, ForwardMethod forward, int weight) {
        return new IpvsDest(key, forward, weight, 0, 0);
    }

    public IpvsDest withWeight(int w) { return new IpvsDest(key, forward, w, upperThreshold, lowerThreshold); }

    /**
     * Nothing to edit. The kernel reports LOCAL for a destination on one of the director's own addresses
     * whatever was asked, so LOCAL matches any method.
     */
    public boolean sameSettings(IpvsDest o) {
        boolean fwdSame = forward == o.forward || forward == ForwardMethod.LOCAL || o.forward == ForwardMethod.LOCAL;
        return fwdSame && weight == o.weight && upperThreshold == o.upperThreshold && lowerThreshold == o.lowerThreshold;
    }

    public String describe() {
        String s = forward.ipvsadmName() + " weight " + weight;
        if (upperThreshold != 0 || lowerThreshold != 0) s += " thresholds " + lowerThreshold + "-" + upperThreshold;
        return s;
    }
}
