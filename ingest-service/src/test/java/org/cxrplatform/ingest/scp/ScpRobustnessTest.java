package org.cxrplatform.ingest.scp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.support.TestConfig;
import org.cxrplatform.testsupport.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peers that misbehave never hold an association thread: silence and garbage are dropped, the SCP keeps serving. */
class ScpRobustnessTest {

    @TempDir
    Path tmp;

    @Test
    void silentAndGarbagePeersAreDroppedAndTheScpKeepsServing() throws Exception {
        IngestConfig.Scp settings = TestConfig.of(Map.of(
                        "cxr.ingest.ae-title",
                        "ROBUST",
                        "cxr.ingest.bind-address",
                        "127.0.0.1",
                        "cxr.ingest.dicom-port",
                        "0",
                        "cxr.ingest.allowed-calling-aes",
                        "ROUTER",
                        "cxr.ingest.max-associations",
                        "4",
                        "cxr.ingest.max-instance-bytes",
                        String.valueOf(1 << 20),
                        "cxr.ingest.idle-timeout",
                        "1s"))
                .scp();
        InstanceSink neverCalled = r -> StoreOutcome.failure(DicomStatus.PROCESSING_FAILURE, "unexpected");
        try (DicomServer scp = new DicomServer(settings, tmp, neverCalled, new SimpleMeterRegistry()).start()) {
            // More silent peers than association slots: each is dropped after the idle timeout.
            for (int i = 0; i < 6; i++) {
                try (Socket silent = new Socket("127.0.0.1", scp.port())) {
                    silent.setSoTimeout(5000);
                    long start = System.nanoTime();
                    assertThat(silent.getInputStream().read()).isEqualTo(-1);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
                }
            }
            try (Socket garbage = new Socket("127.0.0.1", scp.port())) {
                garbage.setSoTimeout(5000);
                garbage.getOutputStream()
                        .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n-----------------------------------"
                                .getBytes(StandardCharsets.US_ASCII));
                InputStream in = garbage.getInputStream();
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(Dcmtk.echoscu("ROUTER", "ROBUST", scp.port()).ok()).isTrue();
            assertThat(scp.isListening()).isTrue();
        }
    }
}
