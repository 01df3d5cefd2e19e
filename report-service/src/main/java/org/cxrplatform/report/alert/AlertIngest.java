package org.cxrplatform.report.alert;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.cxrplatform.contracts.CriticalAlert;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.outbox.OutboxEntry;
import org.cxrplatform.report.outbox.OutboxMessage;
import org.cxrplatform.report.outbox.OutboxRepository;
import org.jboss.logging.Logger;

/** Stores a critical alert once and, in the same transaction, queues its webhook call (when a webhook is configured). */
@ApplicationScoped
public class AlertIngest {

    private static final Logger LOG = Logger.getLogger(AlertIngest.class);

    @Inject
    AlertStore alerts;

    @Inject
    OutboxRepository outbox;

    @Inject
    ReportConfig config;

    @Transactional
    public boolean store(CriticalAlert alert) {
        if (!alerts.insert(alert)) {
            LOG.infof("alert %s already stored: re-delivery ignored", alert.alertId());
            return false;
        }
        if (config.alerts().webhookUrl().isPresent()) {
            outbox.insert(OutboxMessage.ofAlert(
                    alert.alertId(),
                    OutboxEntry.WEBHOOK,
                    "WEBHOOK",
                    "alert " + alert.finding() + " " + alert.studyInstanceUid(),
                    EventJson.write(alert)));
        }
        LOG.warnf(
                "critical alert %s: %s %s in study %s",
                alert.alertId(), alert.finding(), alert.state(), alert.studyInstanceUid());
        return true;
    }
}
