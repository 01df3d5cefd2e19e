package org.cxrplatform.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.testsupport.Http;
import org.cxrplatform.testsupport.ServiceProcess;

/** report-service's REST and FHIR API as a client sees it, with tokens from its dev issuer. */
public final class ReportApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ServiceProcess report;
    private final Map<String, String> tokens = new HashMap<>();

    public ReportApi(ServiceProcess report) {
        this.report = report;
    }

    /** A signed token from POST /auth/dev-token (the service must run with cxr.report.dev-auth=true). */
    public synchronized String token(String user, String... roles) {
        String key = user + List.of(roles);
        return tokens.computeIfAbsent(key, k -> {
            String body = "{\"user\":\"" + user + "\",\"roles\":" + toJson(List.of(roles)) + "}";
            Http.Response r = Http.send("POST", report.url("/auth/dev-token"), "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
            if (r.status() != 200) {
                throw new IllegalStateException("dev token refused: " + r.status() + " " + r.body());
            }
            return parse(r.body()).path("token").asText();
        });
    }

    public String viewerToken() {
        return token("e2e-viewer", "viewer");
    }

    public String adminToken() {
        return token("e2e-admin", "admin");
    }

    public Http.Response get(String path, String token) {
        return Http.get(report.url(path), token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    public JsonNode getJson(String path) {
        Http.Response r = get(path, viewerToken());
        if (r.status() != 200) {
            throw new IllegalStateException("GET " + path + " -> " + r.status() + " " + r.body());
        }
        return parse(r.body());
    }

    /** FHIR searchset of DiagnosticReports for an accession number. */
    public JsonNode fhirByAccession(String accession) {
        return getJson("/fhir/DiagnosticReport?identifier=" + URLEncoder.encode("urn:cxrplatform:accession|" + accession, StandardCharsets.UTF_8));
    }

    /** The report list (worklist order), up to 1000. */
    public JsonNode reports(int limit) {
        return getJson("/api/reports?limit=" + limit);
    }

    public static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + s, e);
        }
    }

    static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
