package org.cxrplatform.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

/** STOW-RS with a real HTTP client, multipart bodies built from the sample files, events read from the real broker. */
@QuarkusTest
@QuarkusTestResource(IngestAppResource.class)
@QuarkusTestResource(StowTokensResource.class)
class StowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/dicomweb/studies")
    URI studies;

    @Test
    void storesEveryGoodPartOnItsLaneAndFailsOnlyTheMalformedOne() throws Exception {
        Path dir = Files.createTempDirectory("stow-samples");
        List<SampleStudies.Sample> samples = SampleStudies.write(dir, 4242);
        SampleStudies.Sample routine = samples.get(0); // CR PA, routine
        SampleStudies.Sample stat = samples.get(3); // DX AP, STAT from the ED
        byte[] garbage = "this is not a DICOM data set at all".repeat(10).getBytes(StandardCharsets.US_ASCII);

        String boundary = "cxr-" + UUID.randomUUID();
        byte[] body = multipart(
                boundary, List.of(Files.readAllBytes(routine.file()), garbage, Files.readAllBytes(stat.file())));
        HttpResponse<String> response = post(studies, boundary, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode json = JSON.readTree(response.body());
        JsonNode referenced = json.path("00081199").path("Value");
        assertThat(referenced).hasSize(2);
        assertThat(List.of(
                        referenced.get(0).path("00081155").path("Value").get(0).asText(),
                        referenced.get(1).path("00081155").path("Value").get(0).asText()))
                .containsExactlyInAnyOrder(routine.sopInstanceUid(), stat.sopInstanceUid());
        JsonNode failed = json.path("00081198").path("Value");
        assertThat(failed).hasSize(1);
        // Cannot understand, or (PixelMed reads garbage leniently) no UIDs: refused with the reason in words.
        assertThat(failed.get(0).path("00081197").path("Value").get(0).asInt()).isIn(0xC000, 0xA900);
        assertThat(failed.get(0).path("00000902").path("Value").get(0).asText()).isNotBlank();

        try (EventCollector events = new EventCollector()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> byInstance(events.poll())
                            .keySet()
                            .containsAll(List.of(routine.sopInstanceUid(), stat.sopInstanceUid())));
            Map<String, ConsumerRecord<String, byte[]>> got = byInstance(events.poll());
            assertThat(got.get(stat.sopInstanceUid()).topic()).isEqualTo(Topics.STUDIES_STAT);
            assertThat(EventJson.read(got.get(stat.sopInstanceUid()).value(), StudyEvent.class)
                            .lane())
                    .isEqualTo(Lane.STAT);
            assertThat(got.get(routine.sopInstanceUid()).topic()).isEqualTo(Topics.STUDIES_ROUTINE);
        }
    }

    @Test
    void allGoodIs200AndOtherStudyInTheUrlIsRefusedPerInstance() throws Exception {
        Path dir = Files.createTempDirectory("stow-samples");
        List<SampleStudies.Sample> samples = SampleStudies.write(dir, 4343);
        SampleStudies.Sample pa = samples.get(0);
        SampleStudies.Sample hand = samples.get(5); // stored, not selected: still a success
        String boundary = "b" + UUID.randomUUID();
        HttpResponse<String> ok = post(
                URI.create(studies + "/" + pa.studyInstanceUid()),
                boundary,
                multipart(boundary, List.of(Files.readAllBytes(pa.file()))));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

        HttpResponse<String> wrong = post(
                URI.create(studies + "/" + pa.studyInstanceUid()),
                boundary,
                multipart(boundary, List.of(Files.readAllBytes(hand.file()))));
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(409);
        assertThat(JSON.readTree(wrong.body())
                        .path("00081198")
                        .path("Value")
                        .get(0)
                        .path("00081197")
                        .path("Value")
                        .get(0)
                        .asInt())
                .isEqualTo(0xA900);

        HttpResponse<String> notMultipart = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(studies)
                                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=zzz")
                                .header(
                                        "Authorization",
                                        "Bearer " + TestTokens.local().token("router", "stow"))
                                .POST(HttpRequest.BodyPublishers.ofString("no parts here"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(notMultipart.statusCode()).isEqualTo(400);
    }

    private static Map<String, ConsumerRecord<String, byte[]>> byInstance(
            List<ConsumerRecord<String, byte[]>> records) {
        Map<String, ConsumerRecord<String, byte[]>> out = new java.util.HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            if (!r.topic().equals(Topics.DLQ)) {
                out.put(EventJson.read(r.value(), StudyEvent.class).sopInstanceUid(), r);
            }
        }
        return out;
    }

    private static HttpResponse<String> post(URI uri, String boundary, byte[] body)
            throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(uri)
                                .header(
                                        "Content-Type",
                                        "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                                .header("Accept", "application/dicom+json")
                                .header(
                                        "Authorization",
                                        "Bearer " + TestTokens.local().token("router", "stow"))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static byte[] multipart(String boundary, List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("preamble, ignored\r\n".getBytes(StandardCharsets.US_ASCII));
        for (byte[] p : parts) {
            out.writeBytes(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(p);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
