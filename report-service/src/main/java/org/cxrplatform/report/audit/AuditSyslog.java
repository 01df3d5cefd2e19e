package org.cxrplatform.report.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.cxrplatform.audit.AuditConfig;
import org.cxrplatform.audit.AuditSender;
import org.eclipse.microprofile.config.Config;

/** The one syslog sender of this service, configured by the {@code cxr.audit.*} keys (audit/README.md). */
@ApplicationScoped
public class AuditSyslog {

    /** A MeterBinder bean: Quarkus binds its cxr_audit_syslog_* metrics to the registry. */
    @Produces
    @Singleton
    AuditSender sender(Config config) {
        return new AuditSender(AuditConfig.from(config, "cxr-report-service"));
    }

    void close(@Disposes AuditSender sender) {
        sender.close();
    }
}
