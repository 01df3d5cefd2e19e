package org.cxrplatform.report;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Cross-field checks of {@link ReportConfig} at start-up: a bad value stops the service with the key's name. */
@ApplicationScoped
public class ConfigCheck {

    @Inject
    ReportConfig config;

    void onStart(@Observes StartupEvent start) {
        List<String> errors = problems(config);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", errors));
        }
    }

    static List<String> problems(ReportConfig c) {
        List<String> errors = new ArrayList<>();
        ReportConfig.Outbox o = c.outbox();
        if (o.maxAttempts() < 1) {
            errors.add("cxr.report.outbox.max-attempts must be at least 1, was " + o.maxAttempts());
        }
        if (o.batchSize() < 1) {
            errors.add("cxr.report.outbox.batch-size must be at least 1, was " + o.batchSize());
        }
        positive(errors, "cxr.report.outbox.initial-backoff", o.initialBackoff());
        positive(errors, "cxr.report.outbox.poll", o.poll());
        positive(errors, "cxr.report.outbox.retention", o.retention());
        if (o.maxBackoff().compareTo(o.initialBackoff()) < 0) {
            errors.add("cxr.report.outbox.max-backoff (" + o.maxBackoff()
                    + ") must not be below cxr.report.outbox.initial-backoff (" + o.initialBackoff() + ")");
        }
        positive(errors, "cxr.report.ris.ack-timeout", c.ris().ackTimeout());
        positive(errors, "cxr.report.alerts.webhook-timeout", c.alerts().webhookTimeout());
        webhook(errors, c.alerts());
        Set<String> destinations = new HashSet<>();
        for (int i = 0; i < c.ris().endpoints().size(); i++) {
            ReportConfig.Endpoint e = c.ris().endpoints().get(i);
            if (e.host().isBlank()) {
                errors.add("cxr.report.ris.endpoints[" + i + "].host is blank");
            }
            port(errors, "cxr.report.ris.endpoints[" + i + "].port", e.port());
            if (!destinations.add(e.destination())) {
                errors.add("cxr.report.ris.endpoints[" + i + "] repeats destination " + e.destination()
                        + " (give it a distinct .name)");
            }
        }
        if (c.pacs().enabled()
                && c.pacs().protocol() == ReportConfig.PacsProtocol.STOW
                && c.pacs().stowUrl().isEmpty()) {
            errors.add("cxr.report.pacs.stow-url must be set when cxr.report.pacs.protocol=STOW");
        }
        positive(errors, "cxr.report.stow.timeout", c.stow().timeout());
        if (c.pacs().enabled() && c.pacs().protocol() == ReportConfig.PacsProtocol.DIMSE) {
            port(errors, "cxr.report.pacs.port", c.pacs().port());
            if (c.pacs().aeTitle().isBlank() || c.pacs().aeTitle().length() > 16) {
                errors.add("cxr.report.pacs.ae-title must be 1-16 characters, was '"
                        + c.pacs().aeTitle() + "'");
            }
            if (c.pacs().callingAeTitle().isBlank() || c.pacs().callingAeTitle().length() > 16) {
                errors.add("cxr.report.pacs.calling-ae-title must be 1-16 characters, was '"
                        + c.pacs().callingAeTitle() + "'");
            }
        }
        return errors;
    }

    private static void webhook(List<String> errors, ReportConfig.Alerts a) {
        Optional<String> secret = a.webhookSecret();
        if (secret.isPresent() && secret.get().length() < ReportConfig.Alerts.MIN_SECRET_LENGTH) {
            errors.add("cxr.report.alerts.webhook-secret must have at least " + ReportConfig.Alerts.MIN_SECRET_LENGTH
                    + " characters, it has " + secret.get().length());
        }
        if (secret.isEmpty()
                && a.webhookUrl().isPresent()
                && !isLoopback(a.webhookUrl().get())) {
            errors.add("cxr.report.alerts.webhook-secret must be set: the webhook "
                    + a.webhookUrl().get()
                    + " is not on this host, and an unsigned alert cannot be told from a forged one");
        }
    }

    private static boolean isLoopback(URI url) {
        String host = String.valueOf(url.getHost());
        return host.equals("localhost") || host.matches("127(\\.\\d{1,3}){3}") || host.equals("[::1]");
    }

    private static void positive(List<String> errors, String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            errors.add(key + " must be positive, was " + d);
        }
    }

    private static void port(List<String> errors, String key, int port) {
        if (port < 1 || port > 65535) {
            errors.add(key + " must be 1..65535, was " + port);
        }
    }
}
