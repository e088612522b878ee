package io.vigil.check;

import io.vigil.check.runtime.CheckRegistry;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.check.api.ConfigNode;
import io.vigil.cli.LdirectordConvertCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seed 004's ldirectord.cf, converted, then planned as keepalived.conf with the built-in registry. */
class LdirectordConvertTest {
    static final String SEED_004 = """
            checktimeout=3 #每次检测超时时长
            checkinterval=1 #每次检测间隔时间
            fallback=127.0.0.1:80 #sorry_server,此处设置为本机.需要在本机开启http服务.
            autoreload=yes #修改配置文件自动生效,无需手动reload
            logfile="/var/log/ldirectord.log"
            quiescent=no
            virtual=10.0.0.100:80 #VIP
                    real=192.168.7.1:80 gate 1 #RS服务器,gate表示dr模式,数字为权重.
                    real=192.168.7.2:80 gate 3
                    service=http
                    scheduler=wrr #权重轮询
                    persistent=600
                    checktype=negotiate
                    checkport=80
                    request="test.html" #用于检测的页面
                    receive="test" #检测关键字,如果检测得到,则认为RS还活着
            """;

    @Test void seed004() {
        String conf = LdirectordConvertCommand.convert(SEED_004.lines().toList(), "ldirectord.cf");
        assertThat(conf).contains("virtual_server 10.0.0.100 80 {", "delay_loop 1", "lb_algo wrr", "lb_kind DR",
                "persistence_timeout 600", "sorry_server 127.0.0.1 80", "real_server 192.168.7.2 80 {", "weight 3",
                "path /test.html", "regex \"test\"", "connect_port 80", "connect_timeout 3",
                "! autoreload=yes: no keepalived.conf equivalent");
        assertThat(conf).doesNotContain("inhibit_on_failure");   // quiescent=no
        List<ConfigNode> nodes = ConfText.parse(conf);
        CheckRegistry reg = CheckRegistry.builtins();
        reg.register(new io.vigil.check.api.CheckFactory() {   // stands in for the http plugin: accepts the block
            @Override public java.util.Set<String> keywords() { return java.util.Set.of("HTTP_GET"); }
            @Override public io.vigil.check.api.Check create(ConfigNode b) {
                assertThat(b.child("url").orElseThrow().value("regex")).hasValue("test");
                return ctx -> io.vertx.core.Future.succeededFuture(io.vigil.check.api.CheckResult.up(java.time.Duration.ZERO, ""));
            }
        }, "test");
        CheckPlan plan = CheckPlanner.plan(nodes, reg);
        assertThat(plan.errors()).isEmpty();
        var vs = plan.model().virtualServers().getFirst();
        assertThat(vs.realServers()).extracting(HealthModel.RealServerSpec::weight).containsExactly(1, 3);
        assertThat(vs.realServers().getFirst().checkers().getFirst().delayLoop()).hasSeconds(1);
        assertThat(vs.realServers().getFirst().checkers().getFirst().port()).isEqualTo(80);
    }

    @Test void rangesAndConnectChecks() {
        String conf = LdirectordConvertCommand.convert(List.of("virtual=10.0.0.1:443", "\treal=192.168.6.2->192.168.6.4:443 masq",
                "\tchecktype=connect", "\tquiescent=yes"), "x.cf");
        assertThat(conf).contains("real_server 192.168.6.2 443", "real_server 192.168.6.3 443", "real_server 192.168.6.4 443",
                "lb_kind NAT", "TCP_CHECK {", "inhibit_on_failure");
    }
}
