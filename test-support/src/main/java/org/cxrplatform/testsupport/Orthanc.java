package org.cxrplatform.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.devstack.FreePorts;

/**
 * A real PACS: Debian's Orthanc ({@code /usr/sbin/Orthanc}) with its own JSON configuration and
 * storage in a folder of the test's, on free DICOM and HTTP ports, REST without authentication on
 * loopback only. It checks the called AE title, accepts C-STORE and C-ECHO from anyone, and answers
 * C-FIND/C-MOVE for the modalities it knows. {@link #stop} and {@link #start} keep ports and storage
 * (the PACS is down for a while).
 *
 * <pre>{@code
 * try (Orthanc pacs = Orthanc.in(dir).aeTitle("PACS").modality("CXR_AI", 11112).dicomWeb().start()) {
 *     Dcmtk.storescu("LOADER", pacs.aeTitle(), pacs.dicomPort(), List.of(), files);
 *     pacs.instanceCount();
 * }
 * }</pre>
 */
public final class Orthanc extends ManagedProcess {

    private static final String BINARY = "/usr/sbin/Orthanc";
    /** Debian's orthanc-dicomweb plugin (QIDO-RS, WADO-RS, STOW-RS under {@code /dicom-web/}). */
    private static final String DICOMWEB_PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String aeTitle;
    private final int dicomPort;
    private final int httpPort;

    private Orthanc(Path config, Path log, String aeTitle, int dicomPort, int httpPort) {
        super("orthanc", List.of(BINARY, config.toString()), Map.of(), log);
        this.aeTitle = aeTitle;
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
    }

    /** An Orthanc with its configuration, storage and log under {@code dir}. */
    public static Setup in(Path dir) {
        return in(dir, dir.resolve("orthanc.log"));
    }

    /** An Orthanc with its configuration and storage under {@code dir}, its log appended to {@code log}. */
    public static Setup in(Path dir, Path log) {
        return new Setup(dir, log);
    }

    /** What a test's PACS knows; AE title PACS unless set, free ports, no modalities, no DICOMweb unless set. */
    public static final class Setup {
        private final Path dir;
        private final Path log;
        private String aeTitle = "PACS";
        private final Map<String, List<Object>> modalities = new LinkedHashMap<>();
        private final Map<String, Object> dicomWebServers = new LinkedHashMap<>();
        private boolean dicomWeb;

        private Setup(Path dir, Path log) {
            this.dir = dir;
            this.log = log;
        }

        public Setup aeTitle(String ae) {
            this.aeTitle = ae;
            return this;
        }

        /** A DICOM node Orthanc knows (C-FIND/C-MOVE from it, C-MOVE to it), on this host, as modality {@code cxr}. */
        public Setup modality(String ae, int port) {
            modalities.put("cxr", List.of(ae, "127.0.0.1", port));
            return this;
        }

        /** Loads the DICOMweb plugin ({@link #dicomWebUrl()}). */
        public Setup dicomWeb() {
            this.dicomWeb = true;
            return this;
        }

        /** A DICOMweb server Orthanc can push to ({@code POST /dicom-web/servers/cxr/stow}); implies {@link #dicomWeb()}. */
        public Setup dicomWebServer(String url, Map<String, String> httpHeaders) {
            dicomWebServers.put("cxr", Map.of("Url", url, "HttpHeaders", httpHeaders));
            return dicomWeb();
        }

        /** Writes the configuration and starts Orthanc; returns once its REST API answers. */
        public Orthanc start() {
            int dicom = FreePorts.next();
            int http = FreePorts.next();
            Map<String, Object> cfg = new LinkedHashMap<>(Map.of(
                    "Name",
                    "cxr-test-pacs",
                    "HttpServerEnabled",
                    true,
                    "RemoteAccessAllowed",
                    false,
                    "AuthenticationEnabled",
                    false,
                    "DicomServerEnabled",
                    true,
                    "DicomCheckCalledAet",
                    true,
                    "DicomAlwaysAllowStore",
                    true,
                    "DicomAlwaysAllowEcho",
                    true,
                    "StorageCompression",
                    false,
                    // C-MOVE sub-operations to a node that is slow to answer under load
                    "DicomScuTimeout",
                    30));
            cfg.put("StorageDirectory", dir.resolve("db").toString());
            cfg.put("IndexDirectory", dir.resolve("db").toString());
            cfg.put("HttpPort", http);
            cfg.put("DicomPort", dicom);
            cfg.put("DicomAet", aeTitle);
            cfg.put("DicomModalities", modalities);
            cfg.put("Plugins", dicomWeb ? List.of(DICOMWEB_PLUGIN) : List.of());
            if (dicomWeb) {
                cfg.put("DicomWeb", Map.of("Enable", true, "Root", "/dicom-web/", "Servers", dicomWebServers));
            }
            Path file = dir.resolve("orthanc.json");
            try {
                Files.createDirectories(dir.resolve("db"));
                JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), cfg);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Orthanc(file, log, aeTitle, dicom, http).startAndWait(Duration.ofSeconds(60));
        }
    }

    /** Starts (again, same ports and storage) and waits until the REST API answers. */
    public Orthanc startAndWait(Duration timeout) {
        start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Http.status(url("/system")) != 200) {
            if (!alive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Orthanc did not start, log " + log() + ":\n" + tail(40));
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

    public String dicomWebUrl() {
        return url("/dicom-web");
    }

    public Http.Response get(String path) {
        return Http.get(url(path));
    }

    /** A REST call; Orthanc runs jobs such as a STOW-RS push before it answers, so it may take a while. */
    public Http.Response post(String path, String body) {
        return Http.send(
                "POST",
                url(path),
                "application/json",
                body.getBytes(StandardCharsets.UTF_8),
                Map.of(),
                Duration.ofSeconds(60));
    }

    public JsonNode getJson(String path) {
        return json("GET " + path, get(path));
    }

    public JsonNode postJson(String path, String body) {
        return json("POST " + path, post(path, body));
    }

    private static JsonNode json(String request, Http.Response r) {
        if (r.status() != 200) {
            throw new IllegalStateException("Orthanc " + request + " -> " + r.status() + " " + r.body());
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

    /** The instances of one study, with their main tags (POST /tools/find, expanded). */
    public JsonNode instancesOfStudy(String studyInstanceUid) {
        return postJson(
                "/tools/find",
                "{\"Level\":\"Instance\",\"Expand\":true,\"Query\":{\"StudyInstanceUID\":\"" + studyInstanceUid
                        + "\"}}");
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

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }
}
