package org.cxrplatform.report;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.cxrplatform.report.quality.QualityService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long GET /api/quality's computation takes over a large report table (one scan of
 * {@code report}): inserts 100 000 decided reports of a throw-away model version spread over 20
 * weeks, then times compute() (median of 5). Run on demand:
 * {@code mvn -B -o -pl report-service verify -Dtest.excludedGroups=none -Dgroups=benchmark -Dtest=QualityBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@QuarkusTest
@Tag("benchmark")
class QualityBenchmark {

    static final int ROWS = 100_000;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    QualityService quality;

    @Test
    void computeOverManyReports() throws Exception {
        String model = "bench-" + UUID.randomUUID();
        String findings =
                "{\"ATELECTASIS\":\"ABSENT\",\"CARDIOMEGALY\":\"PRESENT\",\"CONSOLIDATION\":\"UNCERTAIN\",\"PULMONARY_EDEMA\":\"NOT_MENTIONED\","
                        + "\"PLEURAL_EFFUSION\":\"PRESENT\",\"PNEUMOTHORAX\":\"ABSENT\",\"PNEUMONIA\":\"NOT_MENTIONED\"}";
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate(
                    "INSERT INTO report (report_id, study_instance_uid, model_version, model, lane, triage_priority, ai_text, ai_findings,"
                            + " text, findings, status, order_key, created_at, reviewed_at, reviewed_by) SELECT md5('"
                            + model + "' || g), '2.25.' || g || '"
                            + model.hashCode() + "', '" + model + "', '{}'::jsonb, 'ROUTINE', 3, 'x', '" + findings
                            + "'::jsonb, 'x', '" + findings
                            + "'::jsonb, (ARRAY['ACCEPTED','EDITED','REJECTED','DRAFT'])[1 + g % 4], 'bench', now() - (g % 140) * interval '1 day',"
                            + " now() - (g % 140) * interval '1 day', 'bench' FROM generate_series(1, " + ROWS + ") g");
        }
        System.out.printf("inserted %d reports in %.1f s%n", ROWS, (System.nanoTime() - t0) / 1e9);
        long[] ms = new long[5];
        int groups = 0;
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            QualityService.Quality q = QuarkusTransaction.requiringNew().call(quality::compute);
            ms[i] = (System.nanoTime() - t) / 1_000_000;
            groups = q.weeks().size();
        }
        java.util.Arrays.sort(ms);
        System.out.printf(
                "QUALITY BENCHMARK: compute() over >= %d reports (%d week groups): median %d ms (min %d, max %d)%n",
                ROWS, groups, ms[2], ms[0], ms[4]);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM report WHERE model_version = '" + model + "'");
        }
    }
}
