package io.vigil.plugin.mysql;

import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * MYSQL_CHECK — a MySQL/MariaDB health check over JDBC, as a real_server check or nested in a vrrp_script
 * (seed 002's "is my MySQL alive" without a shell script):
 * <pre>
 * MYSQL_CHECK {
 *     user vigil                      # or credentials_file /etc/vigil/mysql.cnf (user=..., password=...)
 *     password secret
 *     database mysql                  # optional
 *     query "SELECT 1"                # default; must return at least one row
 *     read_only off                   # require @@read_only to be off (a writable primary) or on (a replica)
 *     super_read_only off             # same for @@super_read_only (MySQL only)
 *     replica_running                 # require the replica IO and SQL threads to run
 *     max_replication_lag 30          # require Seconds_Behind_Source/Master &lt;= 30
 *     connect_port 3306               # host-handled: connect_ip, connect_port (default 3306), connect_timeout
 * }
 * </pre>
 * JDBC blocks, so each probe runs on its own virtual thread with JDBC connect and socket timeouts set from
 * the check's budget.
 */
@Extension
public final class MysqlCheckFactory implements CheckFactory {
    static final Set<String> KEYWORDS = Set.of("user", "password", "credentials_file", "database", "query",
            "read_only", "super_read_only", "replica_running", "max_replication_lag");

    @Override public Set<String> keywords() { return Set.of("MYSQL_CHECK"); }

    @Override public Check create(ConfigNode block) throws CheckConfigException {
        ConfigValues.rejectUnknown(block, KEYWORDS);
        String user = block.value("user").orElse(null);
        String password = block.value("password").orElse("");
        Optional<ConfigNode> file = block.child("credentials_file");
        if (file.isPresent()) {
            try {
                for (String line : Files.readAllLines(Path.of(ConfigValues.arg(file.get())))) {
                    String[] kv = line.split("=", 2);
                    if (kv.length != 2) continue;
                    String k = kv[0].trim();
                    String v = kv[1].trim().replaceAll("^[\"']|[\"']$", "");
                    if (k.equals("user")) user = v;
                    if (k.equals("password")) password = v;
                }
            } catch (IOException e) {
                throw new CheckConfigException(file.get().where(), "credentials_file: cannot read " + e.getMessage());
            }
        }
        if (user == null) throw new CheckConfigException(block.where(), "MYSQL_CHECK: needs 'user' (or a credentials_file with user=)");
        String query = block.child("query").isPresent() ? ConfigValues.joinedArgs(block.child("query").get()) : "SELECT 1";
        Optional<Integer> lag = block.child("max_replication_lag").isPresent()
                ? Optional.of(ConfigValues.integer(block.child("max_replication_lag").get(), 0, Integer.MAX_VALUE)) : Optional.empty();
        return new MysqlCheck(user, password, block.value("database").orElse(""), query,
                onOff(block, "read_only"), onOff(block, "super_read_only"),
                block.child("replica_running").isPresent(), lag);
    }

    private static Optional<Boolean> onOff(ConfigNode block, String key) throws CheckConfigException {
        Optional<ConfigNode> n = block.child(key);
        if (n.isEmpty()) return Optional.empty();
        String v = ConfigValues.arg(n.get()).toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "on", "yes", "true", "1" -> Optional.of(true);
            case "off", "no", "false", "0" -> Optional.of(false);
            default -> throw new CheckConfigException(n.get().where(), key + ": expected on or off, not '" + v + "'");
        };
    }
}
