package io.vigil.plugin.nginx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A private nginx (Debian's binary) with its own prefix, config and loopback port; killed on close. */
final class PrivateNginx implements AutoCloseable {
    final Path dir;
    final int port;
    private final Process process;

    PrivateNginx(Path dir) throws Exception {
        this.dir = dir;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { port = s.getLocalPort(); }
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes 1;
                daemon off;
                master_process on;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        location / { return 200 "hello from nginx\\n"; }
                        location = /nginx_status { stub_status; }
                        location = /broken { return 503; }
                    }
                }
                """.formatted(dir, port));
        process = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end) {
            if (!process.isAlive()) throw new IOException("nginx exited: " + Files.readString(dir.resolve("stdout.log")));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) { return; } catch (IOException e) { Thread.sleep(50); }
        }
        close();
        throw new IOException("nginx did not listen on " + port);
    }

    /**
     * The master first: killed workers are respawned by a live master, and a worker forked just before the master
     * dies is orphaned and keeps serving. Then the workers seen before, and wait until every one is gone.
     */
    @Override public void close() throws Exception {
        var workers = process.descendants().toList();
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        for (ProcessHandle w : workers) w.destroyForcibly();
        for (ProcessHandle w : workers) {
            try { w.onExit().get(5, TimeUnit.SECONDS); } catch (java.util.concurrent.TimeoutException e) { /* reported below */ }
        }
        for (ProcessHandle w : workers) if (w.isAlive()) throw new IllegalStateException("nginx worker " + w.pid() + " survived");
    }
}
