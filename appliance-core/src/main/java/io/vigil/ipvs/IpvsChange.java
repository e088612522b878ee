package io.vigil.ipvs;

/** One step that moves the kernel's IPVS table toward the desired one, with why it is made. */
public sealed interface IpvsChange {

    ServiceKey service();

    /** Why: the input that caused it, then what it does (e.g. "HTTP_GET 198.51.100.13:80 failed 3× → destination removed"). */
    String cause();

    /** ipvsadm-like one-line description of the operation. */
    String describe();

    record AddService(IpvsService spec, String cause) implements IpvsChange {
        @Override public ServiceKey service() { return spec.key(); }
        @Override public String describe() { return "add service " + spec.key() + " " + spec.describe(); }
    }

    record EditService(IpvsService before, IpvsService after, String cause) implements IpvsChange {
        @Override public ServiceKey service() { return after.key(); }
        @Override public String describe() {
            return "edit service " + after.key() + " " + before.describe() + " → " + after.describe();
        }
    }

    record DeleteService(ServiceKey service, String cause) implements IpvsChange {
        @Override public String describe() { return "delete service " + service; }
    }

    record AddDest(ServiceKey service, IpvsDest dest, String cause) implements IpvsChange {
        @Override public String describe() { return "add dest " + service + " → " + dest.key() + " " + dest.describe(); }
    }

    record EditDest(ServiceKey service, IpvsDest before, IpvsDest after, String cause) implements IpvsChange {
        @Override public String describe() {
            return "edit dest " + service + " → " + after.key() + " " + before.describe() + " → " + after.describe();
        }
    }

    record DeleteDest(ServiceKey service, DestKey dest, String cause) implements IpvsChange {
        @Override public String describe() { return "delete dest " + service + " → " + dest; }
    }
}
