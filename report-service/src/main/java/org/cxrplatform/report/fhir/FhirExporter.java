package org.cxrplatform.report.fhir;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.outbox.OutboxEntry;
import org.cxrplatform.report.outbox.OutboxRepository;
import org.cxrplatform.report.store.ReportExporter;
import org.cxrplatform.report.store.ResultStatus;
import org.cxrplatform.report.store.StoredReport;

/** Queues the DiagnosticReport of every report version for {@code cxr.report.fhir.push-url} (when set). */
@ApplicationScoped
public class FhirExporter implements ReportExporter {

    @Inject
    ReportConfig config;

    @Inject
    OutboxRepository outbox;

    @Override
    public void enqueue(StoredReport report, ResultStatus status, String actor, Instant at) {
        if (config.fhir().pushUrl().isEmpty()) {
            return;
        }
        byte[] json = FhirMapper.json(FhirMapper.diagnosticReport(report)).getBytes(StandardCharsets.UTF_8);
        String summary = "DiagnosticReport " + report.status() + " " + report.reportId();
        outbox.insert(ReportExporter.message(report, OutboxEntry.FHIR, "FHIR", summary, report.reportId(), json));
    }
}
