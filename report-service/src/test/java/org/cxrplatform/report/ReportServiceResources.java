package org.cxrplatform.report;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.FreePorts;

/**
 * The test wiring shared by every {@code @QuarkusTest} of this module (one application start):
 * topics on the real broker, two RIS endpoints on free ports (the tests start and stop the
 * real MLLP listener of the first; the second, named ris-b, always answers AA), an alert webhook on a free port, a real Orthanc as the PACS, and short outbox timings.
 */
public class ReportServiceResources implements QuarkusTestResourceLifecycleManager {

    public static final String RIS_PORT = "cxr.test.ris.port";
    public static final String RIS2_PORT = "cxr.test.ris2.port";
    public static final String WEBHOOK_PORT = "cxr.test.webhook.port";
    public static final String PACS_PORT = "cxr.test.pacs.port";
    public static final String PACS_HTTP_PORT = "cxr.test.pacs.http.port";
    public static final String PACS_AE = "TESTPACS";

    public static final String STOW_HTTP_PORT = "cxr.test.stow.http.port";

    private Orthanc orthanc;
    private static Orthanc stowPacs;

    /** The second Orthanc, DICOMweb only as far as the service is concerned (cxr.report.stow.url). */
    public static Orthanc stowPacs() {
        return stowPacs;
    }

    @Override
    public Map<String, String> start() {
        Devstack.createTopics(Topics.ALL, 3);
        int ris = FreePorts.next();
        int webhook = FreePorts.next();
        int pacs = FreePorts.next();
        System.setProperty(RIS_PORT, Integer.toString(ris));
        System.setProperty(WEBHOOK_PORT, Integer.toString(webhook));
        System.setProperty(PACS_PORT, Integer.toString(pacs));
        int pacsHttp = FreePorts.next();
        System.setProperty(PACS_HTTP_PORT, Integer.toString(pacsHttp));
        try {
            orthanc = new Orthanc(PACS_AE, pacs, pacsHttp);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Orthanc for the tests", e);
        }
        int stowHttp = FreePorts.next();
        System.setProperty(STOW_HTTP_PORT, Integer.toString(stowHttp));
        try {
            stowPacs = new Orthanc("STOWPACS", FreePorts.next(), stowHttp, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the DICOMweb Orthanc for the tests", e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("cxr.report.stow.url", "http://127.0.0.1:" + stowHttp + "/dicom-web");
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
        // enough that a RIS outage of a few seconds on a loaded machine parks nothing, few enough that the parking test stays
        // short; StoreAndRisTest's parking script answers AE to the last attempt only if (max-attempts - 1) % 3 != 2
        config.put("cxr.report.outbox.max-attempts", "10");
        config.put("cxr.report.alerts.webhook-url", "http://127.0.0.1:" + webhook + "/hook");
        config.put("cxr.report.fhir.push-url", "http://127.0.0.1:" + webhook + "/fhir");
        config.put("cxr.report.pacs.enabled", "true");
        config.put("cxr.report.pacs.port", Integer.toString(pacs));
        config.put("cxr.report.pacs.ae-title", PACS_AE);
        return config;
    }

    @Override
    public void stop() {
        // shared broker and database are stopped by devstack's shutdown hooks
        if (orthanc != null) {
            orthanc.close();
        }
        if (stowPacs != null) {
            stowPacs.close();
        }
    }
}
