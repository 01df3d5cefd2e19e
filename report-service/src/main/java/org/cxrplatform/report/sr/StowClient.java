package org.cxrplatform.report.sr;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.report.ReportConfig;

/**
 * STOW-RS (DICOM PS3.18 §10.5): {@code POST {base}/studies} with one part of
 * {@code multipart/related; type="application/dicom"}, answer read as DICOM JSON. 200 with no
 * Failed SOP Sequence (0008,1198) = stored; 202 = stored with warnings unless our instance is in
 * the failed list; anything else (4xx/5xx, a failed instance, no connection) throws, so the outbox
 * retries and finally parks the entry.
 */
@ApplicationScoped
public class StowClient {

    static final String FAILED_SOP_SEQUENCE = "00081198";
    static final String FAILURE_REASON = "00081197";

    @Inject
    ReportConfig config;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(10))
            .build();

    /** Stores one Part 10 object ({@code messageId}, its SOP Instance UID, names it in errors). */
    public String store(URI base, String messageId, byte[] part10) throws IOException, InterruptedException {
        String boundary = "cxr-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(part10.length + 256);
        body.writeBytes(
                ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(part10);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        URI studies = URI.create(base.toString().replaceAll("/+$", "") + "/studies");
        HttpRequest.Builder request = HttpRequest.newBuilder(studies)
                .timeout(config.stow().timeout())
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        config.stow().authorization().ifPresent(a -> request.header("Authorization", a));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        String failure = failure(response.body());
        if ((status == 200 || status == 202) && failure == null) {
            return status == 200 ? "STOW-RS 200 stored" : "STOW-RS 202 stored with warnings";
        }
        throw new IOException("STOW-RS of " + messageId + " to " + studies + " answered " + status
                + (failure == null ? "" : " (failed SOP instance, reason " + failure + ")") + ": "
                + abbreviate(response.body()));
    }

    /** The failure reason of the first entry in the Failed SOP Sequence, or null when there is none (or no JSON). */
    static String failure(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode root = EventJson.mapper().readTree(body);
            JsonNode failed = root.path(FAILED_SOP_SEQUENCE).path("Value");
            if (failed.isArray() && !failed.isEmpty()) {
                JsonNode reason = failed.get(0).path(FAILURE_REASON).path("Value");
                return reason.isArray() && !reason.isEmpty() ? reason.get(0).asText() : "unknown";
            }
            return null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
