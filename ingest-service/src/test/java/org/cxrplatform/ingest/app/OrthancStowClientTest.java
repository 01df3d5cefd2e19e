package org.cxrplatform.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Http;
import org.cxrplatform.testsupport.Orthanc;
import org.cxrplatform.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

/** Orthanc's DICOMweb plugin as the STOW-RS client (a real third-party user agent) pushing studies to us. */
@QuarkusTest
@QuarkusTestResource(IngestAppResource.class)
@QuarkusTestResource(StowTokensResource.class)
class OrthancStowClientTest {

    @TestHTTPResource("/dicomweb/")
    URI dicomweb;

    @Test
    void orthancStowsStudiesThatReachTheirLanes() throws Exception {
        Path dir = Files.createTempDirectory("orthanc-stow");
        List<SampleStudies.Sample> samples = SampleStudies.write(dir.resolve("s"), 7171);
        SampleStudies.Sample routine = samples.get(0);
        SampleStudies.Sample stat = samples.get(3);
        // Our STOW-RS wants a bearer token: Orthanc sends it as an extra HTTP header of the "cxr" server.
        try (Orthanc orthanc = Orthanc.in(dir.resolve("orthanc"))
                        .dicomWebServer(
                                dicomweb.toString(),
                                Map.of(
                                        "Authorization",
                                        "Bearer " + TestTokens.local().token("orthanc", "stow")))
                        .start();
                EventCollector events = new EventCollector()) {
            Dcmtk.Result load = Dcmtk.storescu(
                    "LOADER", orthanc.aeTitle(), orthanc.dicomPort(), List.of(), List.of(routine.file(), stat.file()));
            assertThat(load.ok()).as(load.output()).isTrue();
            JsonNode ids = orthanc.getJson("/studies");
            assertThat(ids).hasSize(2);
            Http.Response stow = orthanc.post("/dicom-web/servers/cxr/stow", "{\"Resources\":" + ids + "}");
            assertThat(stow.status()).as(stow.body()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> topicOf(events, stat.sopInstanceUid()) != null
                            && topicOf(events, routine.sopInstanceUid()) != null);
            assertThat(topicOf(events, stat.sopInstanceUid())).isEqualTo(Topics.STUDIES_STAT);
            assertThat(topicOf(events, routine.sopInstanceUid())).isEqualTo(Topics.STUDIES_ROUTINE);
        }
    }

    private static List<ConsumerRecord<String, byte[]>> events(EventCollector events) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : events.poll()) {
            if (!r.topic().equals(Topics.DLQ)) {
                out.add(r);
            }
        }
        return out;
    }

    private static String topicOf(EventCollector events, String sop) {
        for (ConsumerRecord<String, byte[]> r : events(events)) {
            if (sop.equals(EventJson.read(r.value(), StudyEvent.class).sopInstanceUid())) {
                return r.topic();
            }
        }
        return null;
    }
}
