package org.cxrplatform.report.fhir;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.outbox.OutboxEntry;
import org.cxrplatform.report.outbox.OutboxSender;

/**
 * PUTs a queued DiagnosticReport to {@code <push-url>/DiagnosticReport/<id>} (update-as-create), with
 * the bearer token of {@link FhirAuthorization} if configured; 2xx is success.
 */
@ApplicationScoped
public class FhirSender implements OutboxSender {

    @Inject
    ReportConfig config;

    @Inject
    FhirAuthorization authorization;

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public String kind() {
        return OutboxEntry.FHIR;
    }

    @Override
    public String send(OutboxEntry entry) throws IOException, InterruptedException {
        URI base = config.fhir()
                .pushUrl()
                .orElseThrow(() -> new IllegalStateException("cxr.report.fhir.push-url is not set"));
        String b = base.toString().endsWith("/") ? base.toString() : base + "/";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(b + "DiagnosticReport/" + entry.messageId()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", FhirResource.FHIR_JSON)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(entry.payload()));
        authorization.header().ifPresent(h -> request.header("Authorization", h));
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401) {
            authorization.refused();
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("FHIR server answered HTTP " + response.statusCode());
        }
        return "HTTP " + response.statusCode();
    }
}
