package io.vigil.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.config.source.ConfigLoader;
import io.vigil.config.LoadOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who mails, as keepalived 2.2.7 resolves smtp_alert: own setting, else smtp_alert_vrrp, else smtp_alert, else off. */
class MailSetupTest {
    @TempDir Path dir;

    private MailSetup mail(String global, String vi1, String vi2, List<String> warnings) {
        String text = "global_defs {\n" + global + "\n}\n"
                + inst("VI_1", 51, vi1) + inst("VI_2", 52, vi2)
                + "vrrp_sync_group G1 {\n group {\n  VI_2\n }\n}\n";
        var cfg = ConfigLoader.loadText("k.conf", text, dir, LoadOptions.defaults().withConfigId("t")).config().orElseThrow();
        return NodeConfig.mail(cfg, warnings::add);
    }

    private static String inst(String name, int vrid, String extra) {
        return "vrrp_instance " + name + " {\n interface eth0\n virtual_router_id " + vrid + "\n " + extra
                + "\n virtual_ipaddress {\n  192.0.2." + vrid + "\n }\n}\n";
    }

    static final String SERVER = "notification_email {\n ops@example.com\n}\nsmtp_server 192.0.2.25\n";

    @Test void offUnlessAsked() {
        assertThat(mail(SERVER, "", "", new ArrayList<>()).sends()).isFalse();
    }

    @Test void ownSettingBeatsSmtpAlertVrrpBeatsSmtpAlert() {
        MailSetup m = mail(SERVER + "smtp_alert\nsmtp_alert_vrrp off\nsmtp_connect_timeout 7\n", "smtp_alert", "", new ArrayList<>());
        assertThat(m.instances()).containsExactly("VI_1");
        assertThat(m.groups()).isEmpty();
        assertThat(m.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(m.port()).isEqualTo(25);

        MailSetup all = mail(SERVER + "smtp_alert\nno_email_faults\n", "smtp_alert false", "", new ArrayList<>());
        assertThat(all.instances()).containsExactly("VI_2");
        assertThat(all.groups()).containsExactly("G1");
        assertThat(all.noEmailFaults()).isTrue();
        assertThat(all.describe()).isEqualTo("smtp_alert to ops@example.com via 192.0.2.25:25");
    }

    @Test void alertWithoutServerIsWarnedAndSendsNothing() {
        List<String> w = new ArrayList<>();
        assertThat(mail("notification_email {\n ops@example.com\n}\n", "smtp_alert", "", w).sends()).isFalse();
        assertThat(w).containsExactly("k.conf:1:1: smtp_alert is on but no smtp_server is set: no mail is sent (as keepalived)");
    }
}
