package org.cxrplatform.ingest.app;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.util.Map;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.FreePorts;

/** Points the application at the shared real broker, a free DICOM port and a temporary data folder. */
public class IngestAppResource implements QuarkusTestResourceLifecycleManager {

    static final int DICOM_PORT = FreePorts.next();
    static final int MLLP_PORT = FreePorts.next();

    @Override
    public Map<String, String> start() {
        try {
            Devstack.createTopics(Topics.ALL, 3);
            return Map.of(
                    "kafka.bootstrap.servers", Devstack.kafkaBootstrap(),
                    "cxr.ingest.dicom-port", String.valueOf(DICOM_PORT),
                    "cxr.ingest.bind-address", "127.0.0.1",
                    "cxr.ingest.allowed-calling-aes", "ROUTER,PACS_ORTHANC",
                    "cxr.ingest.data-dir",
                            Files.createTempDirectory("ingest-app-").toString(),
                    "cxr.ingest.phi-in-events", "true",
                    "cxr.ingest.orders.mllp-port", String.valueOf(MLLP_PORT));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        // shared broker: stopped by devstack's shutdown hook
    }
}
