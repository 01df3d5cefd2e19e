package org.cxrplatform.report.sr;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.ris.OutboxEntry;
import org.cxrplatform.report.ris.OutboxRepository;
import org.cxrplatform.report.ris.ReportExporter;
import org.cxrplatform.report.ris.ResultStatus;
import org.cxrplatform.report.store.StoredReport;

/**
 * Queues a DICOM SR of every report version for the PACS (when {@code cxr.report.pacs.enabled});
 * each later version names the previous one as its predecessor.
 */
@ApplicationScoped
public class SrExporter implements ReportExporter {

    public static final String DESTINATION = "PACS";

    @Inject
    ReportConfig config;

    @Inject
    OutboxRepository outbox;

    @Override
    public void enqueue(StoredReport report, ResultStatus status, String actor, Instant at) {
        if (!config.pacs().enabled()) {
            return;
        }
        SrBuilder.Built predecessor = outbox.latest(OutboxEntry.DICOM_SR, report.pk()).map(e -> SrBuilder.Built.of(e.payload())).orElse(null);
        SrBuilder.Built sr = SrBuilder.build(report, status, actor, at, config.pacs().srKind(), config.ris().sendingFacility(), predecessor);
        outbox.insert(OutboxEntry.DICOM_SR, DESTINATION, report.orderKey(), report.pk(), null,
                "SR " + status + " " + report.reportId(), sr.sopInstanceUid(), sr.bytes());
    }
}
