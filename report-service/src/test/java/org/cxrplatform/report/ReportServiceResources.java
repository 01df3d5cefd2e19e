package org.cxrplatform.report;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.testsupport.Orthanc;
import org.cxrplatform.testsupport.RisPeer;
import org.cxrplatform.testsupport.Rsyslog;

/**
 * The test wiring shared by every {@code @QuarkusTest} of this module (one application start):
 * topics on the real broker, two RIS endpoints on free ports (the tests start and stop the
 * real MLLP listener of the first; the second, named ris-b, always answers AA), an alert webhook on a free port, a real Orthanc as the PACS, a real rsyslog as the audit collector (TLS), and short outbox timings.
 */
public class ReportServiceResources implements QuarkusTestResourceLifecycleManager {

    public static final String RIS_PORT = "cxr.test.ris.port";
    public static final String RIS2_PORT = "cxr.test.ris2.port";
    public static final String WEBHOOK_PORT = "cxr.test.webhook.port";
    public static final String PACS_AE = "TESTPACS";
    /** cxr.report.alerts.webhook-secret of the test run: PacsFhirAlertsTest's receiver verifies each alert with it. */
    public static final String WEBHOOK_SECRET = "test-webhook-secret-of-32-chars!";

    private static Orthanc pacs;
    private static Orthanc stowPacs;
    private static RisPeer ris;
    private static RisPeer secondRis;
    private static Rsyslog collector;

    /** The syslog collector every audit message of the test run goes to (over TLS). */
    public static Rsyslog collector() {
        return collector;
    }

    /** The PACS the service exports SR to by C-STORE (cxr.report.pacs.*). */
    public static Orthanc pacs() {
        return pacs;
    }

    /** The second Orthanc, DICOMweb only as far as the service is concerned (cxr.report.stow.url). */
    public static Orthanc stowPacs() {
        return stowPacs;
    }

    /**
     * The one RIS of the test run on the first RIS endpoint's port, listening again on every call,
     * so no test class leaves the RIS "down" for the next one by accident.
     */
    public static synchronized RisPeer ris() {
        if (ris == null) {
            ris = new RisPeer(Integer.getInteger(RIS_PORT));
            secondRis();
            Runtime.getRuntime().addShutdownHook(new Thread(ris::stop));
        }
        return ris.start();
    }

    /** The second configured RIS ("ris-b"): always up, always AA. */
    public static synchronized RisPeer secondRis() {
        if (secondRis == null) {
            secondRis = new RisPeer(Integer.getInteger(RIS2_PORT)).start();
            Runtime.getRuntime().addShutdownHook(new Thread(secondRis::stop));
        }
        return secondRis;
    }

    @Override
    public Map<String, String> start() {
        Devstack.createTopics(Topics.ALL, 3);
        int ris = FreePorts.next();
        int webhook = FreePorts.next();
        System.setProperty(RIS_PORT, Integer.toString(ris));
        System.setProperty(WEBHOOK_PORT, Integer.toString(webhook));
        // It knows our AE, so it answers the C-FIND for the patient of an SR made without PHI.
        pacs = Orthanc.in(tempDir("cxr-orthanc-"))
                .aeTitle(PACS_AE)
                .modality("CXR_AI", FreePorts.next())
                .start();
        stowPacs = Orthanc.in(tempDir("cxr-stow-orthanc-"))
                .aeTitle("STOWPACS")
                .dicomWeb()
                .start();
        collector = Rsyslog.in(tempDir("cxr-rsyslog-")).start();
        Map<String, String> config = new HashMap<>();
        config.put("cxr.audit.syslog.host", "127.0.0.1");
        config.put("cxr.audit.syslog.port", Integer.toString(collector.tlsPort()));
        config.put("cxr.audit.syslog.protocol", "tls");
        config.put("cxr.audit.syslog.trust-certs", collector.caCert().toString());
        config.put("cxr.report.stow.url", stowPacs.dicomWebUrl());
        config.put("cxr.report.ris.endpoints[0].host", "127.0.0.1");
        config.put("cxr.report.ris.endpoints[0].port", Integer.toString(ris));
        int ris2 = FreePorts.next();
        System.setProperty(RIS2_PORT, Integer.toString(ris2));
        config.put("cxr.report.ris.endpoints[1].host", "127.0.0.1");
        config.put("cxr.report.ris.endpoints[1].port", Integer.toString(ris2));
        config.put("cxr.report.ris.endpoints[1].name", "ris-b");
        config.put("cxr.report.ris.ack-timeout", "1s");
        config.put("cxr.report.outbox.poll", "1s"); // the scheduler's minimum
        config.put("cxr.report.outbox.initial-backoff", "100ms");
        config.put("cxr.report.outbox.max-backoff", "400ms");
        // enough that a RIS outage of a few seconds on a loaded machine parks nothing, few enough that the parking test
        // stays
        // short; StoreAndRisTest's parking script answers AE to the last attempt only if (max-attempts - 1) % 3 != 2
        config.put("cxr.report.outbox.max-attempts", "10");
        config.put("cxr.report.alerts.webhook-url", "http://127.0.0.1:" + webhook + "/hook");
        config.put("cxr.report.alerts.webhook-secret", WEBHOOK_SECRET);
        config.put("cxr.report.fhir.push-url", "http://127.0.0.1:" + webhook + "/fhir");
        config.put("cxr.report.pacs.enabled", "true");
        config.put("cxr.report.pacs.port", Integer.toString(pacs.dicomPort()));
        config.put("cxr.report.pacs.ae-title", PACS_AE);
        return config;
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // shared broker and database are stopped by devstack's shutdown hooks
        if (pacs != null) {
            pacs.close();
        }
        if (stowPacs != null) {
            stowPacs.close();
        }
        if (collector != null) {
            collector.close();
        }
    }
}
