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

/** report-service's REST and FHIR API as a client sees it, with tokens from its dev issuer or from the test's own issuer. */
public final class ReportApi {

    /** Where tokens come from: user and roles to a signed bearer token. */
    public interface TokenIssuer {
        String token(String user, List<String> roles);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String baseUrl;
    private final TokenIssuer issuer;
    private final Map<String, String> tokens = new HashMap<>();

    /** Tokens from the service's POST /auth/dev-token (it must run with cxr.report.dev-auth=true). */
    public ReportApi(ServiceProcess report) {
        this.baseUrl = report.url("");
        this.issuer = this::devToken;
    }

    /** @param baseUrl {@code http://host:port} of report-service; tokens from {@code issuer} (a key the service trusts) */
    public ReportApi(String baseUrl, TokenIssuer issuer) {
        this.baseUrl = baseUrl;
        this.issuer = issuer;
    }

    public String url(String path) {
        return baseUrl + path;
    }

    public synchronized String token(String user, String... roles) {
        return tokens.computeIfAbsent(user + List.of(roles), k -> issuer.token(user, List.of(roles)));
    }

    private String devToken(String user, List<String> roles) {
        String body = "{\"user\":\"" + user + "\",\"roles\":" + toJson(roles) + "}";
        Http.Response r = Http.send(
                "POST", url("/auth/dev-token"), "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
        if (r.status() != 200) {
            throw new IllegalStateException("dev token refused: " + r.status() + " " + r.body());
        }
        return parse(r.body()).path("token").asText();
    }

    public String viewerToken() {
        return token("e2e-viewer", "viewer");
    }

    public String adminToken() {
        return token("e2e-admin", "admin");
    }

    public Http.Response get(String path, String token) {
        return Http.get(url(path), token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
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
        return getJson("/fhir/DiagnosticReport?identifier="
                + URLEncoder.encode("urn:cxrplatform:accession|" + accession, StandardCharsets.UTF_8));
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
