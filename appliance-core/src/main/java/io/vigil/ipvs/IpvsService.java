package io.vigil.ipvs;

import java.util.Locale;
import java.util.Objects;

/**
 * One IPVS virtual service as the kernel holds it.
 *
 * @param flags   IP_VS_SVC_F_* bits that user space sets ({@link ServiceFlags#USER_MASK}); HASHED is dropped
 * @param timeout persistence timeout in seconds (0 unless {@link ServiceFlags#PERSISTENT})
 * @param netmask persistence granularity: an IPv4 netmask as a big-endian int, or an IPv6 prefix length
 * @param peName  persistence engine ({@code persistence_engine}: "sip"), empty for none
 */
public record IpvsService(ServiceKey key, String scheduler, int flags, int timeout, int netmask, String peName) {
    public IpvsService {
        Objects.requireNonNull(key);
        scheduler = scheduler.toLowerCase(Locale.ROOT);
        peName = peName == null ? "" : peName;
        flags &= ServiceFlags.USER_MASK;
        if (timeout < 0) throw new IllegalArgumentException("negative timeout");
    }

    /** Without a persistence engine. */
    public IpvsService(ServiceKey key, String scheduler, int flags, int timeout, int netmask) {
        this(key, scheduler, flags, timeout, netmask, "");
    }

    /** Everything but the key equal: nothing to edit. */
    public boolean sameSettings(IpvsService o) {
        return scheduler.equals(o.scheduler) && flags == o.flags && timeout == o.timeout && netmask == o.netmask
                && peName.equals(o.peName);
    }

    /** Default persistence netmask for the key's family: /32 or /128. */
    public static int defaultNetmask(ServiceKey key) {
        return key.family() == ServiceKey.AF_INET6 ? 128 : 0xFFFFFFFF;
    }

    /** ipvsadm-like settings text: {@code wrr persistent 300 mask 255.255.255.0 sh-port}. */
    public String describe() {
        StringBuilder b = new StringBuilder(scheduler);
        if ((flags & ServiceFlags.PERSISTENT) != 0) {
            b.append(" persistent ").append(timeout);
            if (netmask != defaultNetmask(key)) {
                b.append(" mask ").append(key.family() == ServiceKey.AF_INET6 ? "/" + netmask : ServiceFlags.dotted(netmask));
            }
        }
        String f = ServiceFlags.describe(scheduler, flags);
        if (!f.isEmpty()) b.append(' ').append(f);
        if (!peName.isEmpty()) b.append(" pe ").append(peName);
        return b.toString();
    }
}
