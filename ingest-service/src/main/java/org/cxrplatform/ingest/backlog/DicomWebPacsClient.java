package org.cxrplatform.ingest.backlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.cxrplatform.ingest.scp.InstanceSink;
import org.cxrplatform.ingest.scp.StoreOutcome;
import org.cxrplatform.ingest.scp.StoreRequest;
import org.cxrplatform.ingest.stow.MultipartRelatedReader;

/**
 * The backlog source as a DICOMweb PACS: QIDO-RS (studies → series → instances) finds, WADO-RS
 * retrieves each instance as {@code multipart/related; type="application/dicom"}, streamed into
 * the spool and handed to the pipeline like a C-MOVE sub-operation (move originator = our AE, so
 * the backlog job recognises and settles it).
 *
 * <p>Thread-safe.
 */
public class DicomWebPacsClient extends PacsClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String authorization;
    private final InstanceSink sink;
    private final Path incomingDir;
    private final long maxInstanceBytes;
    private final String ourAe;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param baseUrl       DICOMweb root, e.g. {@code http://pacs:8042/dicom-web}
     * @param authorization Authorization header value, or null
     */
    public DicomWebPacsClient(
            String baseUrl,
            String authorization,
            InstanceSink sink,
            Path incomingDir,
            long maxInstanceBytes,
            String ourAe) {
        super("dicomweb", 0, "DICOMWEB", ourAe);
        this.base = baseUrl.replaceAll("/+$", "");
        this.authorization = authorization;
        this.sink = sink;
        this.incomingDir = incomingDir;
        this.maxInstanceBytes = maxInstanceBytes;
        this.ourAe = ourAe;
    }

    @Override
    public List<Found> find(JobRequest request) throws Exception {
        String range = request.from().format(DateTimeFormatter.BASIC_ISO_DATE) + "-"
                + request.to().format(DateTimeFormatter.BASIC_ISO_DATE);
        Map<String, String> studyQuery = new LinkedHashMap<>();
        studyQuery.put("StudyDate", range);
        if (request.modality() != null) {
            studyQuery.put("ModalitiesInStudy", request.modality());
        }
        studyQuery.put("includefield", "0020000D");
        List<Found> out = new ArrayList<>();
        for (JsonNode study : qido("/studies", studyQuery)) {
            String studyUid = value(study, "0020000D");
            if (studyUid == null) {
                continue;
            }
            Map<String, String> seriesQuery = new LinkedHashMap<>();
            seriesQuery.put("includefield", "00080060,00180015");
            for (JsonNode series : qido("/studies/" + studyUid + "/series", seriesQuery)) {
                String seriesUid = value(series, "0020000E");
                // Filtered here: not every PACS matches Modality / Body Part Examined at series level.
                if (seriesUid == null
                        || !matches(value(series, "00080060"), request.modality())
                        || !matches(value(series, "00180015"), request.bodyPart())) {
                    continue;
                }
                for (JsonNode instance :
                        qido("/studies/" + studyUid + "/series/" + seriesUid + "/instances", Map.of())) {
                    String sop = value(instance, "00080018");
                    if (sop != null) {
                        out.add(new Found(studyUid, seriesUid, sop));
                    }
                }
            }
        }
        return out;
    }

    /** WADO-RS retrieve of one instance into the pipeline; returns once it is settled, throws when it failed. */
    @Override
    public void move(Found item) throws Exception {
        retrieve("/studies/" + item.studyInstanceUid() + "/series/" + item.seriesInstanceUid() + "/instances/"
                + item.sopInstanceUid());
    }

    /** QIDO-RS by Accession Number. */
    @Override
    public List<String> studiesByAccession(String accessionNumber) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode study :
                qido("/studies", Map.of("AccessionNumber", accessionNumber, "includefield", "0020000D"))) {
            String uid = value(study, "0020000D");
            if (uid != null && !out.contains(uid)) {
                out.add(uid);
            }
        }
        return out;
    }

    /** WADO-RS retrieve of a whole study into the pipeline. */
    @Override
    public void moveStudy(String studyInstanceUid) throws Exception {
        retrieve("/studies/" + studyInstanceUid);
    }

    private void retrieve(String path) throws Exception {
        HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMinutes(5))
                .header("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        if (authorization != null) {
            rq.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response = http.send(rq.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("WADO-RS HTTP " + response.statusCode());
            }
            String boundary = MultipartRelatedReader.boundaryOf(
                    response.headers().firstValue("Content-Type").orElse(""));
            if (boundary == null) {
                throw new IllegalStateException("WADO-RS answer is not multipart/related");
            }
            MultipartRelatedReader reader = new MultipartRelatedReader(body, boundary);
            int parts = 0;
            String failure = null;
            while (reader.nextPart()) {
                Path part = incomingDir.resolve(UUID.randomUUID() + ".part");
                long n;
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(part), 64 * 1024)) {
                    n = reader.copyBody(out, maxInstanceBytes);
                }
                if (n < 0) {
                    Files.deleteIfExists(part);
                    failure = "instance larger than " + maxInstanceBytes + " bytes";
                    continue;
                }
                parts++;
                StoreOutcome outcome =
                        sink.store(new StoreRequest(part, null, null, null, "DICOMWEB", ourAe, Instant.now()));
                if (!outcome.success()) {
                    failure = String.format("instance refused 0x%04X %s", outcome.status(), outcome.comment());
                }
            }
            if (failure != null) {
                throw new IllegalStateException("WADO-RS " + failure);
            }
            if (parts == 0) {
                throw new IllegalStateException("WADO-RS answer without any instance");
            }
        }
    }

    private List<JsonNode> qido(String path, Map<String, String> query) throws IOException, InterruptedException {
        String q = query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create(base + path + (q.isEmpty() ? "" : "?" + q)))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/dicom+json");
        if (authorization != null) {
            rq.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(rq.GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            audit.queried(base, "QIDO-RS " + path, () -> q, false);
            throw e;
        }
        audit.queried(base, "QIDO-RS " + path, () -> q, response.statusCode() == 200 || response.statusCode() == 204);
        if (response.statusCode() == 204 || response.body().isBlank()) {
            return List.of();
        }
        if (response.statusCode() != 200) {
            throw new IOException("QIDO-RS " + path + ": HTTP " + response.statusCode());
        }
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(response.body()).forEach(out::add);
        return out;
    }

    private static String value(JsonNode item, String tag) {
        JsonNode v = item.path(tag).path("Value");
        return v.isArray() && !v.isEmpty() && !v.get(0).asText().isBlank()
                ? v.get(0).asText().trim()
                : null;
    }

    private static boolean matches(String value, String wanted) {
        return wanted == null || value == null || value.equalsIgnoreCase(wanted);
    }
}
