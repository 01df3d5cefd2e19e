package org.cxrplatform.report;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** A real Orthanc PACS (/usr/sbin/Orthanc) on the given ports, its own config and storage in a temp dir. */
public final class Orthanc implements AutoCloseable {

    private final int dicomPort;
    private final int httpPort;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    public Orthanc(String aeTitle, int dicomPort, int httpPort) throws IOException, InterruptedException {
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
        Path dir = Files.createTempDirectory("cxr-orthanc-");
        String config = """
                {"Name": "cxr-test-pacs", "StorageDirectory": "%s", "IndexDirectory": "%s",
                 "HttpPort": %d, "DicomPort": %d, "DicomAet": "%s", "RemoteAccessAllowed": false,
                 "AuthenticationEnabled": false, "DicomCheckCalledAet": true, "Plugins": [], "HttpServerEnabled": true,
                 "DicomServerEnabled": true, "StorageCompression": false}
                """.formatted(dir.resolve("db"), dir.resolve("db"), httpPort, dicomPort, aeTitle);
        Path file = dir.resolve("orthanc.json");
        Files.writeString(file, config);
        process = new ProcessBuilder("/usr/sbin/Orthanc", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "orthanc-stop"));
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                if (get("/system").statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // starting
            }
            if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                throw new IOException("Orthanc did not start, see " + dir.resolve("orthanc.log"));
            }
            Thread.sleep(200);
        }
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public int dicomPort() {
        return dicomPort;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
