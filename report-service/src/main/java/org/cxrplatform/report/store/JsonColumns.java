package org.cxrplatform.report.store;

import jakarta.inject.Singleton;
import java.util.Map;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.contracts.Timings;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.generic.GenericType;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.spi.JdbiPlugin;

/** Reads the JSON columns of {@code report} with {@link Json}, so a {@link StoredReport} maps by column name. */
@Singleton
public class JsonColumns implements JdbiPlugin {

    @Override
    public void customizeJdbi(Jdbi jdbi) {
        jdbi.registerColumnMapper(ModelIdentity.class, json(ModelIdentity.class));
        jdbi.registerColumnMapper(Patient.class, json(Patient.class));
        jdbi.registerColumnMapper(SourceStudy.class, json(SourceStudy.class));
        jdbi.registerColumnMapper(Timings.class, json(Timings.class));
        jdbi.registerColumnMapper(
                new GenericType<Map<Finding, FindingState>>() {},
                (rs, column, ctx) -> Json.readFindings(rs.getString(column)));
    }

    private static <T> ColumnMapper<T> json(Class<T> type) {
        return (rs, column, ctx) -> Json.read(rs.getString(column), type);
    }
}
