package org.cxrplatform.report.alert;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.outbox.OutboxEntry;
import org.cxrplatform.report.outbox.OutboxSender;

/** POSTs a critical alert (the CriticalAlert JSON) to {@code cxr.report.alerts.webhook-url}; any 2xx is success. */
@ApplicationScoped
public class WebhookSender implements OutboxSender {

    @Inject
    ReportConfig config;

    private final HttpClient client = HttpClient.newBuilder().build();

    @Override
    public String kind() {
        return OutboxEntry.WEBHOOK;
    }

    @Override
    public String send(OutboxEntry entry) throws IOException, InterruptedException {
        var url = config.alerts()
                .webhookUrl()
                .orElseThrow(() -> new IllegalStateException("cxr.report.alerts.webhook-url is not set"));
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(config.alerts().webhookTimeout())
                .header("Content-Type", "application/json")
                .header("X-Cxr-Alert-Id", entry.alertId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(entry.payload()))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("webhook answered HTTP " + response.statusCode());
        }
        return "HTTP " + response.statusCode();
    }
}
