package org.cxrplatform.report;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * A plain HTTP endpoint on the webhook/FHIR push port that answers 200 to everything, so test
 * classes that do not look at alerts or FHIR pushes do not leave parked entries behind.
 * PacsFhirAlertsTest replaces it with its own recording server while it runs.
 */
public final class HookServer {

    private static HttpServer shared;

    private HookServer() {}

    public static synchronized void shared() {
        if (shared == null) {
            try {
                shared = HttpServer.create(
                        new InetSocketAddress("127.0.0.1", Integer.getInteger(ReportServiceResources.WEBHOOK_PORT)), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shared.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            shared.start();
        }
    }

    public static synchronized void stopShared() {
        if (shared != null) {
            shared.stop(0);
            shared = null;
        }
    }
}
