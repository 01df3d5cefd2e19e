package org.cxrplatform.report.sr;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.outbox.OutboxEntry;
import org.cxrplatform.report.outbox.OutboxRepository;
import org.cxrplatform.report.store.ReportExporter;
import org.cxrplatform.report.store.ResultStatus;
import org.cxrplatform.report.store.StoredReport;

/**
 * Queues a DICOM SR of every report version for the PACS (when {@code cxr.report.pacs.enabled});
 * each later version names the previous one as its predecessor.
 */
@ApplicationScoped
public class SrExporter implements ReportExporter {

    public static final String DESTINATION = "PACS";
    /** The extra STOW-RS destination ({@code cxr.report.stow.url}). */
    public static final String STOW_DESTINATION = "STOW";

    @Inject
    ReportConfig config;

    @Inject
    OutboxRepository outbox;

    @Override
    public void enqueue(StoredReport report, ResultStatus status, String actor, Instant at) {
        boolean pacs = config.pacs().enabled();
        boolean stow = config.stow().url().isPresent();
        if (!pacs && !stow) {
            return;
        }
        SrBuilder.Built predecessor = outbox.latest(OutboxEntry.DICOM_SR, report.pk())
                .map(e -> SrBuilder.Built.of(e.payload()))
                .orElse(null);
        SrBuilder.Built sr = SrBuilder.build(
                report, status, actor, at, config.pacs().srKind(), config.ris().sendingFacility(), predecessor);
        // the same SR object (same SOP Instance UID) to every destination, each its own outbox line with retries
        String summary = "SR " + status + " " + report.reportId();
        if (pacs) {
            outbox.insert(ReportExporter.message(
                    report, OutboxEntry.DICOM_SR, DESTINATION, summary, sr.sopInstanceUid(), sr.bytes()));
        }
        if (stow) {
            outbox.insert(ReportExporter.message(
                    report, OutboxEntry.DICOM_SR, STOW_DESTINATION, summary, sr.sopInstanceUid(), sr.bytes()));
        }
    }
}
