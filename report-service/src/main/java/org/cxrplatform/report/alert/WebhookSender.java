package org.cxrplatform.report.alert;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.outbox.OutboxEntry;
import org.cxrplatform.report.outbox.OutboxSender;

/**
 * POSTs a critical alert (the CriticalAlert JSON) to {@code cxr.report.alerts.webhook-url}, signed in
 * {@link WebhookSignature#HEADER} when {@code cxr.report.alerts.webhook-secret} is set; any 2xx is
 * success. Without a secret only a loopback URL is accepted ({@code ConfigCheck}).
 */
@ApplicationScoped
public class WebhookSender implements OutboxSender {

    @Inject
    ReportConfig config;

    private final HttpClient client = HttpClient.newBuilder().build();

    /** Null: unsigned (loopback URL only). */
    private WebhookSignature signature;

    @PostConstruct
    void init() {
        signature = config.alerts().webhookSecret().map(WebhookSignature::new).orElse(null);
    }

    @Override
    public String kind() {
        return OutboxEntry.WEBHOOK;
    }

    @Override
    public String send(OutboxEntry entry) throws IOException, InterruptedException {
        var url = config.alerts()
                .webhookUrl()
                .orElseThrow(() -> new IllegalStateException("cxr.report.alerts.webhook-url is not set"));
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(config.alerts().webhookTimeout())
                .header("Content-Type", "application/json")
                .header("X-Cxr-Alert-Id", entry.alertId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(entry.payload()));
        if (signature != null) {
            // signed at each attempt: a retry carries a fresh timestamp, so it is not refused as a replay
            request.header(WebhookSignature.HEADER, signature.sign(Instant.now().getEpochSecond(), entry.payload()));
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("webhook answered HTTP " + response.statusCode());
        }
        return "HTTP " + response.statusCode();
    }
}
