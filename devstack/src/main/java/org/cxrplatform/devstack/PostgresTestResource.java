package org.cxrplatform.devstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: a fresh database on the shared real PostgreSQL server, wired into the
 * default datasource. The database name comes from the init arg {@code database} (default "cxr").
 */
public final class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private String database = "cxr";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        Postgres pg = Devstack.postgres();
        pg.createDatabase(database);
        return Map.of(
                "quarkus.datasource.jdbc.url", pg.jdbcUrl(database),
                "quarkus.datasource.username", Postgres.USER,
                "quarkus.datasource.password", Postgres.PASSWORD);
    }

    @Override
    public void stop() {
        // Shared across the test run; stopped by the JVM shutdown hook.
    }
}
