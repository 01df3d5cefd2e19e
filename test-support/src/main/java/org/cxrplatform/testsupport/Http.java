package org.cxrplatform.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small blocking HTTP client with short time-outs: a hung service shows up as a failure, never as a hung test. */
public final class Http {

    public record Response(int status, String body) {}

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    public static Response get(String url, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .GET();
        headers.forEach(b::header);
        return send(b.build());
    }

    public static Response get(String url) {
        return get(url, Map.of());
    }

    public static Response send(
            String method, String url, String contentType, byte[] body, Map<String, String> headers) {
        return send(method, url, contentType, body, headers, Duration.ofSeconds(20));
    }

    /** With a time-out for a request known to take long (a PACS job). */
    public static Response send(
            String method, String url, String contentType, byte[] body, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        return send(b.build());
    }

    private static Response send(HttpRequest r) {
        try {
            HttpResponse<String> resp = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
            return new Response(resp.statusCode(), resp.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r.method() + " " + r.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Status code, or -1 when the connection failed. */
    public static int status(String url) {
        try {
            return get(url).status();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
