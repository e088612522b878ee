package io.vigil.plugin.mysql;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A private MariaDB (Debian's mariadbd) with its own datadir, socket and loopback port, and a user
 * vigil/secret created by an init file; killed on close. Kept small for a fast start.
 */
final class PrivateMariadb implements AutoCloseable {
    final int port;
    private final Process process;

    PrivateMariadb(Path dir) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { port = s.getLocalPort(); }
        Path data = dir.resolve("data");
        Process install = new ProcessBuilder("mariadb-install-db", "--no-defaults", "--datadir=" + data, "--user=root",
                "--auth-root-authentication-method=normal", "--skip-test-db")
                .redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile()).start();
        if (!install.waitFor(60, TimeUnit.SECONDS) || install.exitValue() != 0) {
            throw new IOException("mariadb-install-db failed: " + Files.readString(dir.resolve("install.log")));
        }
        Files.writeString(dir.resolve("init.sql"), """
                CREATE USER IF NOT EXISTS 'vigil'@'%' IDENTIFIED BY 'secret';
                GRANT ALL ON *.* TO 'vigil'@'%';
                """);
        process = new ProcessBuilder("mariadbd", "--no-defaults", "--user=root", "--datadir=" + data,
                "--socket=" + dir.resolve("mysqld.sock"), "--port=" + port, "--bind-address=127.0.0.1",
                "--pid-file=" + dir.resolve("mysqld.pid"), "--init-file=" + dir.resolve("init.sql"),
                "--skip-name-resolve", "--innodb-buffer-pool-size=16M", "--skip-log-bin", "--performance-schema=off",
                "--log-error=" + dir.resolve("error.log"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            if (!process.isAlive()) throw new IOException("mariadbd exited: " + Files.readString(dir.resolve("error.log")));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) { return; } catch (IOException e) { Thread.sleep(100); }
        }
        close();
        throw new IOException("mariadbd did not listen on " + port);
    }

    @Override public void close() throws Exception {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
