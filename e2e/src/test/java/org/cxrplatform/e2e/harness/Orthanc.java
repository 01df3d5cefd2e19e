package org.cxrplatform.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.devstack.FreePorts;

/**
 * The PACS: a real Orthanc ({@code /usr/sbin/Orthanc}) with its own JSON configuration and storage
 * in a folder of ours, on free DICOM and HTTP ports, REST without authentication on loopback only.
 */
public final class Orthanc extends ManagedProcess {

    public static final String BINARY = "/usr/sbin/Orthanc";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String aeTitle;
    private final int dicomPort;
    private final int httpPort;

    private Orthanc(List<String> cmd, Path log, String aeTitle, int dicomPort, int httpPort) {
        super("orthanc", cmd, Map.of(), log);
        this.aeTitle = aeTitle;
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /** Writes the configuration; {@code senderAe}/{@code senderPort} are declared as a known modality. */
    public static Orthanc create(Path dir, Path logDir, String aeTitle, String senderAe, int senderPort) {
        int dicom = FreePorts.next();
        int http = FreePorts.next();
        try {
            Files.createDirectories(dir.resolve("db"));
            Map<String, Object> cfg = new HashMap<>();
            cfg.put("Name", "cxr-e2e-pacs");
            cfg.put("StorageDirectory", dir.resolve("db").toString());
            cfg.put("IndexDirectory", dir.resolve("db").toString());
            cfg.put("HttpPort", http);
            cfg.put("DicomPort", dicom);
            cfg.put("DicomAet", aeTitle);
            cfg.put("DicomCheckCalledAet", true);
            cfg.put("DicomModalities", Map.of("cxr", List.of(senderAe, "127.0.0.1", senderPort)));
            cfg.put("RemoteAccessAllowed", false);
            cfg.put("AuthenticationEnabled", false);
            cfg.put("HttpServerEnabled", true);
            cfg.put("DicomServerEnabled", true);
            cfg.put("StorageCompression", false);
            cfg.put("Plugins", List.of());
            Path file = dir.resolve("orthanc.json");
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), cfg);
            return new Orthanc(List.of(BINARY, file.toString()), logDir.resolve("orthanc.log"), aeTitle, dicom, http);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Orthanc startAndWait(Duration timeout) {
        start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Http.status(url("/system")) != 200) {
            if (!alive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Orthanc did not start:\n" + tail(40));
            }
            ServiceProcess.sleep(200);
        }
        return this;
    }

    public String aeTitle() {
        return aeTitle;
    }

    public int dicomPort() {
        return dicomPort;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    public JsonNode getJson(String path) {
        Http.Response r = Http.get(url(path));
        if (r.status() != 200) {
            throw new IllegalStateException("Orthanc GET " + path + " -> " + r.status() + " " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Number of instances stored (GET /instances). */
    public int instanceCount() {
        return getJson("/instances").size();
    }

    /** Study Instance UID to the number of SR instances Orthanc holds for it. */
    public Map<String, Integer> srInstancesByStudy() {
        Map<String, Integer> out = new HashMap<>();
        for (JsonNode study : getJson("/studies?expand")) {
            String uid = study.path("MainDicomTags").path("StudyInstanceUID").asText();
            int sr = 0;
            for (JsonNode seriesId : study.path("Series")) {
                JsonNode series = getJson("/series/" + seriesId.asText());
                if ("SR".equals(series.path("MainDicomTags").path("Modality").asText())) {
                    sr += series.path("Instances").size();
                }
            }
            out.put(uid, sr);
        }
        return out;
    }
}
