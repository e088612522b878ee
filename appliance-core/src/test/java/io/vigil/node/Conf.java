package io.vigil.node;

import java.util.ArrayList;
import java.util.List;

/** Writes the keepalived.conf both keepalived and Vigil get in the interop tests (real newlines, as keepalived needs). */
final class Conf {
    String routerId = "n";
    String state = "BACKUP";
    int priority = 100;
    int version = 2;
    String advertInt = "1";
    String authPass = "s3cr3t";
    String vip = "192.0.2.100/24";
    boolean nopreempt;
    String unicastSrc;
    List<String> unicastPeers = new ArrayList<>();
    String notify;
    String trackScript;        // the vrrp_script's script line, tracked by the instance
    int trackWeight = -60;
    String globalExtra = "";

    static Conf node(String id, int prio) {
        Conf c = new Conf();
        c.routerId = id;
        c.priority = prio;
        return c;
    }

    Conf v3() { version = 3; authPass = null; return this; }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append("global_defs {\n  router_id ").append(routerId).append("\n  script_user root\n  enable_script_security\n")
         .append("  vrrp_version ").append(version).append('\n')
         .append("  vrrp_garp_master_delay 1\n  vrrp_garp_master_repeat 3\n").append(globalExtra).append("}\n");
        if (trackScript != null) {
            b.append("vrrp_script chk {\n  script \"").append(trackScript.replace("\"", "\\\"")).append("\"\n")
             .append("  interval 1\n  weight ").append(trackWeight).append("\n  fall 1\n  rise 1\n}\n");
        }
        b.append("vrrp_instance VI_1 {\n  state ").append(state).append("\n  interface eth0\n  virtual_router_id 51\n")
         .append("  priority ").append(priority).append("\n  advert_int ").append(advertInt).append('\n');
        if (authPass != null) b.append("  authentication {\n    auth_type PASS\n    auth_pass ").append(authPass).append("\n  }\n");
        if (nopreempt) b.append("  nopreempt\n");
        if (unicastSrc != null) {
            b.append("  unicast_src_ip ").append(unicastSrc).append("\n  unicast_peer {\n");
            for (String p : unicastPeers) b.append("    ").append(p).append('\n');
            b.append("  }\n");
        }
        if (notify != null) b.append("  notify ").append(notify).append('\n');
        if (trackScript != null) b.append("  track_script {\n    chk\n  }\n");
        b.append("  virtual_ipaddress {\n    ").append(vip).append("\n  }\n}\n");
        return b.toString();
    }
}
