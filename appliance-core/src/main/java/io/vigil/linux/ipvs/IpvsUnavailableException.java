package io.vigil.linux.ipvs;

import io.vigil.linux.Errno;
import io.vigil.linux.LinuxException;

/** The running kernel has no IPVS: the "IPVS" generic netlink family is not registered. */
public final class IpvsUnavailableException extends LinuxException {
    private static final long serialVersionUID = 1L;

    public IpvsUnavailableException() {
        super("IPVS", Errno.ENOENT, "this kernel has no IPVS (generic netlink family \"IPVS\" not found;"
                + " load it with 'modprobe ip_vs' — containers and some VMs cannot)");
    }
}
