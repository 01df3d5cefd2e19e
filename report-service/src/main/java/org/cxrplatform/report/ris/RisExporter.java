package org.cxrplatform.report.ris;

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
import org.jdbi.v3.core.Jdbi;

/** One ORU^R01 per report change, queued once per configured RIS endpoint with the same MSH-10. */
@ApplicationScoped
public class RisExporter implements ReportExporter {

    @Inject
    ReportConfig config;

    @Inject
    OruBuilder oru;

    @Inject
    OutboxRepository outbox;

    @Inject
    Jdbi jdbi;

    @Override
    public void enqueue(StoredReport report, ResultStatus status, String actor, Instant at) {
        if (!config.ris().enabled() || config.ris().endpoints().isEmpty()) {
            return;
        }
        String controlId = nextControlId();
        // OBR-32 names the radiologist who signed a final or a correction; a withdrawn draft was signed by no one
        String signer = status == ResultStatus.FINAL || status == ResultStatus.CORRECTED ? actor : null;
        byte[] message = oru.build(report, status, controlId, signer, at).getBytes(StandardCharsets.UTF_8);
        String summary =
                "ORU^R01 " + status.obr25() + (status == ResultStatus.WITHDRAWN ? "/W" : "") + " " + report.reportId();
        for (ReportConfig.Endpoint endpoint : config.ris().endpoints()) {
            outbox.insert(ReportExporter.message(
                    report, OutboxEntry.HL7, endpoint.destination(), summary, controlId, message));
        }
    }

    /** MSH-10 from a database sequence, so control ids stay unique across restarts and replicas. */
    private String nextControlId() {
        return "CXR"
                + jdbi.withHandle(h -> h.createQuery("SELECT nextval('hl7_control_id_seq')")
                        .mapTo(Long.class)
                        .one());
    }
}
