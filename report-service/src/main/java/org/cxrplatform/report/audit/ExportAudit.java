package org.cxrplatform.report.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cxrplatform.report.outbox.DeliveryFinished;
import org.cxrplatform.report.store.ReportStore;

/**
 * Audits every report that left the platform (ORU to a RIS, SR to a PACS or STOW-RS, FHIR push)
 * when its delivery is confirmed or given up; alert webhooks are audited by {@code alert.AlertStore}'s
 * side ({@code alert.WebhookAudit}).
 */
@ApplicationScoped
public class ExportAudit {

    @Inject
    ReportStore store;

    @Inject
    AuditLog audit;

    void onDelivery(@Observes DeliveryFinished d) {
        if (d.reportPk() == null) {
            return;
        }
        store.findByPk(d.reportPk()).ifPresent(r -> audit.exported(r, d.kind(), d.destination(), d.delivered()));
    }
}
