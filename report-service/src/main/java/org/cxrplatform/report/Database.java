package org.cxrplatform.report;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.spi.JdbiPlugin;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementException;
import org.jdbi.v3.core.statement.StatementExceptions;

/**
 * The service's one {@link Jdbi}, over Quarkus' Agroal pool. Jdbi never begins, commits or rolls
 * back here: a handle takes its connection from the pool inside the caller's JTA transaction
 * ({@code @Transactional}, {@code QuarkusTransaction}), as {@code dataSource.getConnection()} did,
 * so its statements commit with everything else in that transaction. Column mappers for the
 * service's own types come from the {@link JdbiPlugin} beans.
 */
@ApplicationScoped
public class Database {

    /** How much of a failed statement's SQL an error message shows. */
    private static final int SQL_EXCERPT = 120;

    @Produces
    @Singleton
    Jdbi jdbi(AgroalDataSource dataSource, Instance<JdbiPlugin> plugins) {
        Jdbi jdbi = Jdbi.create(dataSource);
        // the transaction manager ends transactions; a handle closed inside one must leave it open
        jdbi.getConfig(Handles.class).setForceEndTransactions(false);
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(Database::message);
        jdbi.registerArrayType(Long.class, "bigint");
        plugins.forEach(jdbi::installPlugin);
        return jdbi;
    }

    /**
     * The driver's message and the start of the statement, never the bound values: they hold report
     * text and patient data, and these messages reach the logs and dead-letter reasons.
     */
    static String message(StatementException e) {
        String problem =
                e.getCause() == null ? e.getShortMessage() : e.getCause().getMessage();
        StatementContext ctx = e.getStatementContext();
        String sql = ctx == null ? null : ctx.getRawSql();
        if (sql == null) {
            return problem;
        }
        sql = sql.replaceAll("\\s+", " ");
        return problem + " [in " + (sql.length() > SQL_EXCERPT ? sql.substring(0, SQL_EXCERPT) + "…" : sql) + "]";
    }
}
