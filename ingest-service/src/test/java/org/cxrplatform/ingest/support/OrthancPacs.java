package org.cxrplatform.ingest.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.cxrplatform.devstack.FreePorts;

/**
 * A real Orthanc (Debian's /usr/sbin/Orthanc) as the hospital PACS, on free ports with its data in
 * a temporary folder, knowing one C-MOVE destination.
 */
public final class OrthancPacs implements AutoCloseable {

    public static final String AE = "PACS";

    private final Process process;
    public final int dicomPort;
    public final int httpPort;

    public OrthancPacs(Path dir, String destinationAe, int destinationPort) throws Exception {
        this(dir, destinationAe, destinationPort, false);
    }

    /** @param dicomWeb load Debian's DICOMweb plugin (QIDO-RS/WADO-RS/STOW-RS under {@link #dicomWebUrl()}) */
    public OrthancPacs(Path dir, String destinationAe, int destinationPort, boolean dicomWeb) throws Exception {
        this(dir, destinationAe, destinationPort, dicomWeb, null);
    }

    /** @param stowServer a DICOMweb server Orthanc knows as "cxr" (POST /dicom-web/servers/cxr/stow), or null */
    public OrthancPacs(Path dir, String destinationAe, int destinationPort, boolean dicomWeb, String stowServer)
            throws Exception {
        dicomPort = FreePorts.next();
        httpPort = FreePorts.next();
        Files.createDirectories(dir.resolve("db"));
        String config = """
                {
                  "Name": "cxr-test-pacs",
                  "StorageDirectory": "%s",
                  "IndexDirectory": "%s",
                  "HttpPort": %d,
                  "DicomPort": %d,
                  "DicomAet": "%s",
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false,
                  "DicomCheckCalledAet": false,
                  "DicomAlwaysAllowStore": true,
                  "DicomAlwaysAllowEcho": true,
                  "DicomScuTimeout": 30,
                  "Plugins": [%s],
                  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "Servers": { %s } },
                  "DicomModalities": { "cxr": [ "%s", "127.0.0.1", %d ] }
                }
                """.formatted(dir.resolve("db"), dir.resolve("db"), httpPort, dicomPort, AE,
                        dicomWeb ? "\"/usr/share/orthanc/plugins/libOrthancDicomWeb.so\"" : "",
                        stowServer == null ? "" : "\"cxr\": [ \"" + stowServer + "\" ]", destinationAe, destinationPort);
        Path cfg = dir.resolve("orthanc.json");
        Files.writeString(cfg, config);
        process = new ProcessBuilder("/usr/sbin/Orthanc", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/system"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                close();
                throw new IllegalStateException("Orthanc did not start; see " + dir.resolve("orthanc.log"));
            }
            Thread.sleep(200);
        }
    }

    public String dicomWebUrl() {
        return "http://127.0.0.1:" + httpPort + "/dicom-web";
    }

    /** Number of instances Orthanc stores. */
    public int instanceCount() throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/instances")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.isBlank() || body.trim().equals("[]") ? 0 : body.split(",").length;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
