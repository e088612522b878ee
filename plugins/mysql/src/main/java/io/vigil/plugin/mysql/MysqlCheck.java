package io.vigil.plugin.mysql;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vigil.check.api.Check;
import io.vigil.check.api.CheckContext;
import io.vigil.check.api.CheckResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** One MYSQL_CHECK: connect, query, then the optional role and replication conditions. */
final class MysqlCheck implements Check {
    private static final java.sql.Driver DRIVER = newDriver();
    private final String user;
    private final String password;
    private final String database;
    private final String query;
    private final Optional<Boolean> readOnly;
    private final Optional<Boolean> superReadOnly;
    private final boolean replicaRunning;
    private final Optional<Integer> maxLag;

    MysqlCheck(String user, String password, String database, String query, Optional<Boolean> readOnly,
               Optional<Boolean> superReadOnly, boolean replicaRunning, Optional<Integer> maxLag) {
        this.user = user;
        this.password = password;
        this.database = database;
        this.query = query;
        this.readOnly = readOnly;
        this.superReadOnly = superReadOnly;
        this.replicaRunning = replicaRunning;
        this.maxLag = maxLag;
    }

    @Override public Future<CheckResult> run(CheckContext ctx) {
        Promise<CheckResult> p = Promise.promise();
        long start = System.nanoTime();
        Thread.ofVirtual().name("vigil-mysql-check").start(() -> {
            try {
                p.complete(probe(ctx, start));
            } catch (SQLException e) {
                p.complete(CheckResult.down(CheckResult.since(start), "mysql " + ctx.authority(3306) + ": "
                        + e.getMessage().lines().findFirst().orElse("") + " (SQLState " + e.getSQLState() + ")"));
            } catch (RuntimeException e) {
                p.complete(CheckResult.down(CheckResult.since(start), "mysql " + ctx.authority(3306) + ": " + e));
            }
        });
        return p.future();
    }

    private CheckResult probe(CheckContext ctx, long start) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", String.valueOf(Math.max(1, ctx.connectTimeout().toMillis())));
        props.setProperty("socketTimeout", String.valueOf(Math.max(1, ctx.timeout().toMillis())));
        props.setProperty("sslMode", "PREFERRED");
        props.setProperty("allowPublicKeyRetrieval", "true");
        props.setProperty("connectionAttributes", "program_name:vigil-check");
        String url = "jdbc:mysql://" + ctx.authority(3306) + "/" + database;
        // the driver is used directly: DriverManager only sees drivers of the application class loader,
        // not those inside a PF4J plugin
        try (Connection c = DRIVER.connect(url, props); Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, ctx.timeout().toSeconds()));
            try (ResultSet rs = st.executeQuery(query)) {
                if (!rs.next()) return CheckResult.down(CheckResult.since(start), "query returned no rows: " + query);
            }
            List<String> notes = new ArrayList<>();
            if (readOnly.isPresent() || superReadOnly.isPresent()) {
                String ro = variable(st, "read_only");
                notes.add("read_only=" + ro);
                if (readOnly.isPresent() && isOn(ro) != readOnly.get()) {
                    return CheckResult.down(CheckResult.since(start), "read_only is " + ro + ", expected " + (readOnly.get() ? "ON" : "OFF"));
                }
                if (superReadOnly.isPresent()) {
                    String sro = variable(st, "super_read_only");
                    if (sro == null) return CheckResult.down(CheckResult.since(start), "server has no super_read_only (MariaDB?)");
                    if (isOn(sro) != superReadOnly.get()) {
                        return CheckResult.down(CheckResult.since(start), "super_read_only is " + sro + ", expected "
                                + (superReadOnly.get() ? "ON" : "OFF"));
                    }
                }
            }
            if (replicaRunning || maxLag.isPresent()) {
                Optional<String> failure = replication(st, notes);
                if (failure.isPresent()) return CheckResult.down(CheckResult.since(start), failure.get());
            }
            return CheckResult.up(CheckResult.since(start), "query ok" + (notes.isEmpty() ? "" : ", " + String.join(", ", notes)));
        }
    }

    private static java.sql.Driver newDriver() {
        try {
            return new com.mysql.cj.jdbc.Driver();
        } catch (SQLException e) {
            throw new IllegalStateException("MySQL driver", e);
        }
    }

    private static String variable(Statement st, String name) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            return rs.next() ? rs.getString(2) : null;
        }
    }

    private static boolean isOn(String v) { return v != null && (v.equalsIgnoreCase("ON") || v.equals("1")); }

    /** SHOW REPLICA STATUS, with MySQL (Replica_/Source) or MariaDB (Slave_/Master) column names. */
    private Optional<String> replication(Statement st, List<String> notes) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW REPLICA STATUS")) {
            if (!rs.next()) return Optional.of("not a replica (SHOW REPLICA STATUS is empty)");
            ResultSetMetaData md = rs.getMetaData();
            String io = column(rs, md, "Replica_IO_Running", "Slave_IO_Running");
            String sql = column(rs, md, "Replica_SQL_Running", "Slave_SQL_Running");
            String lag = column(rs, md, "Seconds_Behind_Source", "Seconds_Behind_Master");
            notes.add("io=" + io + " sql=" + sql + " lag=" + lag);
            if (replicaRunning && !("Yes".equalsIgnoreCase(io) && "Yes".equalsIgnoreCase(sql))) {
                return Optional.of("replica threads not running: IO " + io + ", SQL " + sql);
            }
            if (maxLag.isPresent()) {
                if (lag == null) return Optional.of("replication lag unknown (replica stopped?)");
                if (Long.parseLong(lag) > maxLag.get()) return Optional.of("replication lag " + lag + " s > " + maxLag.get() + " s");
            }
            return Optional.empty();
        }
    }

    private static String column(ResultSet rs, ResultSetMetaData md, String... names) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            for (String n : names) if (md.getColumnLabel(i).equalsIgnoreCase(n)) return rs.getString(i);
        }
        return null;
    }

    @Override public String describe(CheckContext ctx) { return "MYSQL_CHECK " + user + "@" + ctx.authority(3306); }
}
