package org.cxrplatform.report.alert;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cxrplatform.report.audit.AuditLog;
import org.cxrplatform.report.outbox.DeliveryFinished;

/** Audits a critical alert (a finding in a study) sent to the alert webhook, or given up on. */
@ApplicationScoped
public class WebhookAudit {

    @Inject
    AlertStore alerts;

    @Inject
    AuditLog audit;

    void onDelivery(@Observes DeliveryFinished d) {
        if (d.alertId() == null) {
            return;
        }
        alerts.find(d.alertId())
                .ifPresent(a -> audit.alertExported(a.alertId(), a.studyInstanceUid(), d.destination(), d.delivered()));
    }
}
