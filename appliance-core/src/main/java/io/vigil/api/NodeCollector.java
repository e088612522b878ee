package io.vigil.api;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Reads the node's projection at scrape time and renders it under the names operators already graph:
 * mehdy/keepalived-exporter's {@code keepalived_*} and node_exporter's {@code node_ipvs_*}. Nothing is cached
 * here, so the metrics cannot disagree with the API.
 */
final class NodeCollector extends Collector {
    private static final List<String> COMMON = List.of("iname", "intf", "vrid", "state");
    private static final List<String> VIP = List.of("iname", "intf", "vrid", "ip_address");
    private static final List<String> BACKEND = List.of("local_address", "local_port", "remote_address",
            "remote_port", "proto", "local_mark");

    private record Stat(String name, String help, ToLongFunction<Views.VrrpStats> value) {}

    private static final List<Stat> VRRP_STATS = List.of(
            new Stat("keepalived_advertisements_received_total", "Advertisements received", Views.VrrpStats::advertRcvd),
            new Stat("keepalived_advertisements_sent_total", "Advertisements sent", Views.VrrpStats::advertSent),
            new Stat("keepalived_become_master_total", "Became master", Views.VrrpStats::becomeMaster),
            new Stat("keepalived_release_master_total", "Released master", Views.VrrpStats::releaseMaster),
            new Stat("keepalived_packet_length_errors_total", "Packet length errors", Views.VrrpStats::packetLenErr),
            new Stat("keepalived_advertisements_interval_errors_total", "Advertisement interval errors", Views.VrrpStats::advertIntervalErr),
            new Stat("keepalived_ip_ttl_errors_total", "TTL errors", Views.VrrpStats::ipTtlErr),
            new Stat("keepalived_invalid_type_received_total", "Invalid type errors", Views.VrrpStats::invalidTypeRcvd),
            new Stat("keepalived_address_list_errors_total", "Address list errors", Views.VrrpStats::addrListErr),
            new Stat("keepalived_authentication_invalid_total", "Authentication invalid", Views.VrrpStats::invalidAuthType),
            new Stat("keepalived_authentication_mismatch_total", "Authentication mismatch", Views.VrrpStats::authTypeMismatch),
            new Stat("keepalived_authentication_failure_total", "Authentication failure", Views.VrrpStats::authFailure),
            new Stat("keepalived_priority_zero_received_total", "Priority zero received", Views.VrrpStats::priZeroRcvd),
            new Stat("keepalived_priority_zero_sent_total", "Priority zero sent", Views.VrrpStats::priZeroSent));

    private final NodeView node;

    NodeCollector(NodeView node) { this.node = node; }

    /** keepalived's numeric states, as the exporter reports them. */
    static int stateNumber(String state) {
        return switch (state) {
            case "BACKUP" -> 1;
            case "MASTER" -> 2;
            case "FAULT" -> 3;
            default -> 0; // INIT
        };
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> out = new ArrayList<>();
        out.add(new GaugeMetricFamily("keepalived_up", "Status", 1));
        vrrp(out);
        scripts(out);
        ipvs(out);
        journal(out);
        return out;
    }

    private void vrrp(List<MetricFamilySamples> out) {
        var instances = node.instances();
        var state = new GaugeMetricFamily("keepalived_vrrp_state", "State of vrrp", VIP);
        var garp = new CounterMetricFamily("keepalived_gratuitous_arp_delay", "Gratuitous ARP delay", COMMON);
        var prio = new GaugeMetricFamily("vigil_vrrp_effective_priority", "Priority advertised now (after tracking and maintenance)", List.of("iname", "vrid"));
        List<CounterMetricFamily> stats = new ArrayList<>();
        for (Stat s : VRRP_STATS) {
            // CounterMetricFamily appends _total itself; give it the base name so the exposition keeps the exporter's name
            stats.add(new CounterMetricFamily(s.name().substring(0, s.name().length() - "_total".length()), s.help(), COMMON));
        }
        for (var i : instances) {
            List<String> labels = List.of(i.name(), i.intf(), Integer.toString(i.vrid()), i.state());
            for (String vip : i.vips()) {
                String addr = vip.contains("/") ? vip.substring(0, vip.indexOf('/')) : vip;
                state.addMetric(List.of(i.name(), i.intf(), Integer.toString(i.vrid()), addr), stateNumber(i.state()));
            }
            garp.addMetric(labels, i.garpDelaySeconds());
            prio.addMetric(List.of(i.name(), Integer.toString(i.vrid())), i.effectivePriority());
            var st = i.stats() == null ? Views.VrrpStats.ZERO : i.stats();
            for (int k = 0; k < VRRP_STATS.size(); k++) {
                stats.get(k).addMetric(labels, VRRP_STATS.get(k).value().applyAsLong(st));
            }
        }
        out.add(state);
        out.add(garp);
        out.addAll(stats);
        out.add(prio);
        drops(out, instances);
    }

    /**
     * Every dropped advert by reason, including those keepalived-exporter has a name for (so one sum is the total),
     * and datagrams no instance could be charged with, per interface.
     */
    private void drops(List<MetricFamilySamples> out, List<Views.Instance> instances) {
        var dropped = new CounterMetricFamily("vigil_vrrp_dropped", "Adverts dropped by an instance, by reason",
                List.of("iname", "intf", "vrid", "reason"));
        var perInstance = node.vrrpDrops();
        for (var i : instances) {
            perInstance.getOrDefault(i.name(), java.util.Map.of()).forEach((reason, n) ->
                    dropped.addMetric(List.of(i.name(), i.intf(), Integer.toString(i.vrid()), reason), n));
        }
        var rx = new CounterMetricFamily("vigil_vrrp_receive_dropped",
                "VRRP datagrams dropped before any instance (unreadable, or a VRID not run here), by reason", List.of("intf", "reason"));
        node.receiveDrops().forEach((intf, m) -> m.forEach((reason, n) -> rx.addMetric(List.of(intf, reason), n)));
        out.add(dropped);
        out.add(rx);
    }

    private void scripts(List<MetricFamilySamples> out) {
        var status = new GaugeMetricFamily("keepalived_script_status", "Tracker Script Status", List.of("name"));
        var state = new GaugeMetricFamily("keepalived_script_state", "Tracker Script State", List.of("name"));
        for (var s : node.scripts()) {
            status.addMetric(List.of(s.name()), "GOOD".equalsIgnoreCase(s.status()) ? 1 : 0);
            state.addMetric(List.of(s.name()), switch (s.state().toLowerCase(java.util.Locale.ROOT)) {
                case "running" -> 1;
                case "requested termination" -> 2;
                case "forcing termination" -> 3;
                default -> 0; // idle
            });
        }
        out.add(status);
        out.add(state);
    }

    private void ipvs(List<MetricFamilySamples> out) {
        var conns = new CounterMetricFamily("node_ipvs_connections", "The total number of connections made.", List.of());
        var inPkts = new CounterMetricFamily("node_ipvs_incoming_packets", "The total number of incoming packets.", List.of());
        var outPkts = new CounterMetricFamily("node_ipvs_outgoing_packets", "The total number of outgoing packets.", List.of());
        var inBytes = new CounterMetricFamily("node_ipvs_incoming_bytes", "The total amount of incoming data.", List.of());
        var outBytes = new CounterMetricFamily("node_ipvs_outgoing_bytes", "The total amount of outgoing data.", List.of());
        var active = new GaugeMetricFamily("node_ipvs_backend_connections_active", "The current active connections by local and remote address.", BACKEND);
        var inactive = new GaugeMetricFamily("node_ipvs_backend_connections_inactive", "The current inactive connections by local and remote address.", BACKEND);
        var weight = new GaugeMetricFamily("node_ipvs_backend_weight", "The current backend weight.", BACKEND);
        var healthy = new GaugeMetricFamily("vigil_real_server_healthy", "1 when the real server's checks pass", List.of("virtual_server", "real_server"));
        var quorum = new GaugeMetricFamily("vigil_virtual_server_quorum_up",
                "1 while the alive real servers' weight holds the virtual server's quorum", List.of("virtual_server"));
        var sorry = new GaugeMetricFamily("vigil_virtual_server_sorry_server_active",
                "1 while the sorry_server stands in for the real servers (quorum lost)", List.of("virtual_server", "sorry_server"));
        boolean kernel = node.ipvsUnavailable().isEmpty();
        long c = 0, ip = 0, op = 0, ib = 0, ob = 0;
        for (var vs : node.virtualServers()) {
            quorum.addMetric(List.of(vs.id()), vs.quorumUp() ? 1 : 0);
            if (vs.sorryServer() != null)
                sorry.addMetric(List.of(vs.id(), vs.sorryServer().address() + ":" + vs.sorryServer().port()), vs.sorryServer().active() ? 1 : 0);
            if (vs.stats() != null) {
                c += vs.stats().connections();
                ip += vs.stats().inPackets();
                op += vs.stats().outPackets();
                ib += vs.stats().inBytes();
                ob += vs.stats().outBytes();
            }
            for (var rs : vs.reals()) {
                List<String> labels = List.of(vs.fwmark() > 0 ? "" : vs.address(), vs.fwmark() > 0 ? "0" : Integer.toString(vs.port()),
                        rs.address(), Integer.toString(rs.port()), vs.fwmark() > 0 ? "" : vs.protocol(),
                        vs.fwmark() > 0 ? Integer.toString(vs.fwmark()) : "");
                weight.addMetric(labels, rs.weight());
                if (rs.stats() != null) {
                    active.addMetric(labels, rs.stats().activeConnections());
                    inactive.addMetric(labels, rs.stats().inactiveConnections());
                }
                healthy.addMetric(List.of(vs.id(), rs.id()), rs.healthy() ? 1 : 0);
            }
        }
        if (kernel) {
            conns.addMetric(List.of(), c);
            inPkts.addMetric(List.of(), ip);
            outPkts.addMetric(List.of(), op);
            inBytes.addMetric(List.of(), ib);
            outBytes.addMetric(List.of(), ob);
            out.addAll(List.of(conns, inPkts, outPkts, inBytes, outBytes, active, inactive));
        }
        out.add(weight);
        out.add(healthy);
        out.add(quorum);
        out.add(sorry);
        out.add(new GaugeMetricFamily("vigil_ipvs_kernel_available", "1 when IPVS is programmed in the kernel, 0 when only desired state exists", kernel ? 1 : 0));
    }

    private void journal(List<MetricFamilySamples> out) {
        var info = node.journalInfo();
        out.add(new GaugeMetricFamily("vigil_journal_size_bytes", "Bytes the journal occupies on disk", info.sizeBytes()));
        out.add(new CounterMetricFamily("vigil_journal_events", "Events appended to the journal", info.events()));
        out.add(new GaugeMetricFamily("vigil_journal_last_sequence", "Sequence number of the newest journal event", node.lastSeq()));
    }
}
