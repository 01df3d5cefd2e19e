package org.cxrplatform.ingest.app;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.util.Map;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.testsupport.Rsyslog;

/**
 * Points the application at the shared real broker, a free DICOM port, a temporary data folder and a
 * real rsyslog as the audit collector (plain TCP; report-service's tests cover TLS).
 */
public class IngestAppResource implements QuarkusTestResourceLifecycleManager {

    static final int DICOM_PORT = FreePorts.next();
    static final int MLLP_PORT = FreePorts.next();
    private static Rsyslog collector;

    static Rsyslog collector() {
        return collector;
    }

    @Override
    public Map<String, String> start() {
        try {
            Devstack.createTopics(Topics.ALL, 3);
            collector = Rsyslog.in(Files.createTempDirectory("ingest-rsyslog-")).start();
            return Map.of(
                    "kafka.bootstrap.servers",
                    Devstack.kafkaBootstrap(),
                    "cxr.ingest.dicom-port",
                    String.valueOf(DICOM_PORT),
                    "cxr.ingest.bind-address",
                    "127.0.0.1",
                    "cxr.ingest.allowed-calling-aes",
                    "ROUTER,PACS_ORTHANC",
                    "cxr.ingest.data-dir",
                    Files.createTempDirectory("ingest-app-").toString(),
                    "cxr.ingest.phi-in-events",
                    "true",
                    "cxr.ingest.orders.mllp-port",
                    String.valueOf(MLLP_PORT),
                    "cxr.audit.syslog.host",
                    "127.0.0.1",
                    "cxr.audit.syslog.port",
                    String.valueOf(collector.tcpPort()),
                    "cxr.audit.syslog.protocol",
                    "tcp");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        // shared broker: stopped by devstack's shutdown hook
        if (collector != null) {
            collector.close();
        }
    }
}
