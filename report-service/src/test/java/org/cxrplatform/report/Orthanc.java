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
    private final Path configFile;
    private final Path dir;
    private Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    public Orthanc(String aeTitle, int dicomPort, int httpPort) throws IOException, InterruptedException {
        this(aeTitle, dicomPort, httpPort, false);
    }

    /** The Debian orthanc-dicomweb plugin (STOW-RS/QIDO-RS/WADO-RS under /dicom-web/). */
    public static final String DICOMWEB_PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

    /** @param dicomWeb load the DICOMweb plugin, root {@code /dicom-web/} */
    public Orthanc(String aeTitle, int dicomPort, int httpPort, boolean dicomWeb) throws IOException, InterruptedException {
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
        dir = Files.createTempDirectory("cxr-orthanc-");
        String config = """
                {"Name": "cxr-test-pacs", "StorageDirectory": "%s", "IndexDirectory": "%s",
                 "HttpPort": %d, "DicomPort": %d, "DicomAet": "%s", "RemoteAccessAllowed": false,
                 "AuthenticationEnabled": false, "DicomCheckCalledAet": true, "Plugins": [], "HttpServerEnabled": true,
                 "DicomServerEnabled": true, "StorageCompression": false%s}
                """.formatted(dir.resolve("db"), dir.resolve("db"), httpPort, dicomPort, aeTitle,
                dicomWeb ? ", \"Plugins\": [\"" + DICOMWEB_PLUGIN + "\"], \"DicomWeb\": {\"Enable\": true, \"Root\": \"/dicom-web/\"}" : "");
        if (dicomWeb) {
            config = config.replace("\"Plugins\": [], ", "");
        }
        configFile = dir.resolve("orthanc.json");
        Files.writeString(configFile, config);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "orthanc-stop"));
        start();
    }

    /** Starts (again) on the same ports and storage. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        process = new ProcessBuilder("/usr/sbin/Orthanc", configFile.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("orthanc.log").toFile())).start();
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

    public int httpPort() {
        return httpPort;
    }

    /** Stops the process (storage kept): connections are refused until {@link #start()}. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroy();
        }
    }
}
