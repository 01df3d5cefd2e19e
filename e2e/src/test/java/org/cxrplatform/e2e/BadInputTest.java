package org.cxrplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.e2e.harness.BadDicom;
import org.cxrplatform.e2e.harness.Pipeline;
import org.cxrplatform.e2e.harness.Platform;
import org.cxrplatform.e2e.harness.PlatformExtension;
import org.cxrplatform.e2e.harness.RawStoreScu;
import org.cxrplatform.e2e.harness.StudyFactory;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Http;
import org.cxrplatform.testsupport.Mllp;
import org.cxrplatform.testsupport.RisPeer;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Malformed DICOM through the SCP, garbage on the Kafka lanes, fuzzed REST bodies: each input gets a
 * clean refusal or a dead letter with its reason, within a bounded time, and the services stay up
 * with bounded memory.
 *
 * <p>Memory bound (stated): ingest's resident set may grow by at most 256 MiB over the first pass of
 * the corpus (heap warm-up, class loading) and by at most 64 MiB over a second identical pass; its
 * heap stays under its -Xmx (768 MiB).
 */
@Order(3)
@ExtendWith(PlatformExtension.class)
class BadInputTest {

    private static final int SEND_TIMEOUT_MS = 30_000;
    private static final long FIRST_PASS_RSS_BOUND_KB = 256 * 1024;
    private static final long SECOND_PASS_RSS_BOUND_KB = 64 * 1024;

    @Test
    void malformedDicomIsRefusedOrDeadLetteredAndIngestStaysHealthy(Platform p) throws Exception {
        StudyFactory factory = new StudyFactory(p.work().resolve("bad-dicom"), "B");
        long rss0 = p.ingest().rssKb();
        double heap0 = p.ingest().heapUsedBytes();

        List<String> problems = new ArrayList<>();
        List<String> table = new ArrayList<>();
        Map<BadDicom.Case, RawStoreScu.Outcome> pass1 =
                send(p, BadDicom.corpus(() -> factory.make(StudyFactory.Template.ROUTINE_PA)), table);
        long rss1 = p.ingest().rssKb();

        // Zero-size image also through DCMTK's storescu, which parses it happily and sends it.
        protocolFuzz(p, table);

        // Dead letters for the instances ingest accepted: its success comes once an instance is spooled
        // (acknowledge=SPOOL), the dead letter after the decode behind it.
        List<DeadLetter> dlq = Pipeline.deadLetters(p);
        for (long deadline = System.nanoTime() + 60_000_000_000L;
                !deadLettered(pass1, dlq) && System.nanoTime() < deadline; ) {
            Thread.sleep(500);
            dlq = Pipeline.deadLetters(p);
        }
        for (Map.Entry<BadDicom.Case, RawStoreScu.Outcome> e : pass1.entrySet()) {
            BadDicom.Case c = e.getKey();
            RawStoreScu.Outcome o = e.getValue();
            if (o.cleanRefusal()) {
                continue;
            }
            DeadLetter d = c.studyInstanceUid() == null
                    ? null
                    : dlq.stream()
                            .filter(x -> c.studyInstanceUid().equals(x.studyInstanceUid()))
                            .findFirst()
                            .orElse(null);
            if (o.success() && d != null && d.reason() != null && !d.reason().isBlank()) {
                table.add(String.format("    -> dead letter %s: %s", d.stage(), d.reason()));
                continue;
            }
            problems.add(c.name() + ": " + o + (d == null ? ", no dead letter" : ", dead letter without reason"));
        }

        Map<BadDicom.Case, RawStoreScu.Outcome> pass2 =
                send(p, BadDicom.corpus(() -> factory.make(StudyFactory.Template.ROUTINE_PA)), table);
        long rss2 = p.ingest().rssKb();
        double heap2 = p.ingest().heapUsedBytes();
        System.out.println("bad DICOM corpus (" + pass1.size() + " inputs, two passes):");
        table.forEach(System.out::println);
        System.out.printf(
                "ingest RSS %d -> %d -> %d KiB, heap used %.0f -> %.0f MiB%n",
                rss0, rss1, rss2, heap0 / 1048576, heap2 / 1048576);

        assertThat(problems)
                .as("inputs neither refused cleanly nor dead-lettered with a reason")
                .isEmpty();
        assertThat(pass2.values())
                .as("second pass: same kind of answers")
                .allMatch(o -> o.cleanRefusal() || o.success());
        assertThat(rss1 - rss0)
                .as("ingest RSS growth over the first pass (KiB)")
                .isLessThan(FIRST_PASS_RSS_BOUND_KB);
        assertThat(rss2 - rss1)
                .as("ingest RSS growth over the second pass (KiB)")
                .isLessThan(SECOND_PASS_RSS_BOUND_KB);
        assertThat(heap2).isLessThan(768.0 * 1024 * 1024);
        assertThat(p.allReady()).as("every service ready after the corpus").isTrue();

        // Still works for a good study.
        StudyFactory.Study good = factory.make(StudyFactory.Template.ROUTINE_PA);
        assertThat(Dcmtk.storescu(p.options().callingAe(), p.aeTitle(), p.dicomPort(), List.of(good.file()))
                        .allStored(1))
                .isTrue();
        assertThat(Pipeline.awaitOrus(p, List.of(good.accessionNumber()), Duration.ofSeconds(120)))
                .isEmpty();
    }

    /** Whether every accepted case with a study UID has its dead letter (the checks below name any that has not). */
    private static boolean deadLettered(Map<BadDicom.Case, RawStoreScu.Outcome> sent, List<DeadLetter> dlq) {
        return sent.entrySet().stream()
                .filter(e -> e.getValue().success() && e.getKey().studyInstanceUid() != null)
                .allMatch(e ->
                        dlq.stream().anyMatch(d -> e.getKey().studyInstanceUid().equals(d.studyInstanceUid())));
    }

    private static Map<BadDicom.Case, RawStoreScu.Outcome> send(
            Platform p, List<BadDicom.Case> corpus, List<String> table) {
        Map<BadDicom.Case, RawStoreScu.Outcome> out = new LinkedHashMap<>();
        for (BadDicom.Case c : corpus) {
            long t0 = System.nanoTime();
            RawStoreScu.Outcome o = RawStoreScu.send(
                    "127.0.0.1", p.dicomPort(), p.options().callingAe(), p.aeTitle(), c.file(), SEND_TIMEOUT_MS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            table.add(String.format("  %-55s %-45s %6d ms", c.name(), o, ms));
            assertThat(o.kind())
                    .as("%s: the SCP answered within %d ms", c.name(), SEND_TIMEOUT_MS)
                    .isNotEqualTo(RawStoreScu.Kind.TIMEOUT);
            out.put(c, o);
        }
        return out;
    }

    /** Broken upper-layer traffic: an unknown PDU type, an absurd PDU length, a half-sent PDU. The SCP must drop them and go on. */
    private static void protocolFuzz(Platform p, List<String> table) throws IOException {
        byte[][] inputs = {
            {0x09, 0, 0, 0, 0, 4, 1, 2, 3, 4},
            ByteBuffer.allocate(6)
                    .put((byte) 0x01)
                    .put((byte) 0)
                    .putInt(0x7FFFFFFF)
                    .array(),
            {0x01, 0, 0, 0, 0x10, 0, 0, 1},
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        };
        for (byte[] in : inputs) {
            long t0 = System.nanoTime();
            String result;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", p.dicomPort()), 5000);
                s.setSoTimeout(90_000);
                OutputStream o = s.getOutputStream();
                o.write(in);
                o.flush();
                s.shutdownOutput();
                InputStream i = s.getInputStream();
                byte[] reply = i.readNBytes(6);
                result = reply.length == 0 ? "closed" : "PDU type " + (reply[0] & 0xff);
            } catch (IOException e) {
                result = e.getClass().getSimpleName();
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            table.add(String.format("  protocol fuzz %-41s %-45s %6d ms", hex(in), result, ms));
            assertThat(ms)
                    .as("the SCP dropped a broken association in bounded time")
                    .isLessThan(90_000);
        }
        assertThat(p.ingest().ready()).isTrue();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            s.append(String.format("%02x", b[i]));
        }
        return s.toString();
    }

    @Test
    void garbageOnTheLanesAndTheReportTopicIsDeadLetteredWithAReason(Platform p) throws Exception {
        Map<String, String> sent = new LinkedHashMap<>();
        sent.put("bad-json-" + StudyFactory.newUid(), "{not json");
        sent.put("wrong-shape-" + StudyFactory.newUid(), "{\"schemaVersion\":2,\"studyInstanceUid\":42}");
        sent.put(
                "png-garbage-" + StudyFactory.newUid(),
                "{\"schemaVersion\":2,\"eventId\":\"x\",\"studyInstanceUid\":\"1.2.3\",\"sopInstanceUid\":\"1.2.3.4\","
                        + "\"lane\":\"ROUTINE\",\"image\":{\"mediaType\":\"image/png\",\"data\":\"bm90IGEgcG5n\"}}");
        Map<String, String> reports = new LinkedHashMap<>();
        reports.put("bad-report-" + StudyFactory.newUid(), "[1,2,3]");
        reports.put("empty-report-" + StudyFactory.newUid(), "");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", p.kafka().bootstrapServers(), "acks", "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (Map.Entry<String, String> e : sent.entrySet()) {
                producer.send(new ProducerRecord<>(
                                Topics.STUDIES_ROUTINE, e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
            for (Map.Entry<String, String> e : reports.entrySet()) {
                producer.send(new ProducerRecord<>(
                                Topics.REPORTS, e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
        Map<String, String> all = new LinkedHashMap<>(sent);
        all.putAll(reports);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, DeadLetter> found = new LinkedHashMap<>();
        while (found.size() < all.size() && System.nanoTime() < deadline) {
            for (DeadLetter d : Pipeline.deadLetters(p)) {
                if (d.originalKey() != null && all.containsKey(d.originalKey())) {
                    found.put(d.originalKey(), d);
                }
            }
            Thread.sleep(1000);
        }
        found.forEach(
                (k, d) -> System.out.printf("  %-60s -> %s %s: %s%n", k, d.stage(), d.originalTopic(), d.reason()));
        assertThat(found.keySet())
                .as("garbage records dead-lettered")
                .containsExactlyInAnyOrderElementsOf(all.keySet());
        assertThat(found.values())
                .allMatch(d -> d.reason() != null && !d.reason().isBlank());
        assertThat(p.allReady()).isTrue();
    }

    @Test
    void fuzzedRestInputsGetClientErrorsNeverServerErrorsOrHangs(Platform p) {
        String viewer = p.api().viewerToken();
        String radiologist = p.api().token("e2e-radiologist", "radiologist");
        String admin = p.api().adminToken();
        String none = "00000000000000000000000000000000";
        String big = "{\"text\":\"" + "A".repeat(3 * 1024 * 1024) + "\"}";
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        List<Object[]> requests = new ArrayList<>();
        String r = p.report().url("");
        String i = p.ingest().url("");
        requests.add(new Object[] {"GET", r + "/api/reports?limit=abc", null, null, viewer});
        requests.add(new Object[] {"GET", r + "/api/reports?limit=-1", null, null, viewer});
        requests.add(new Object[] {"GET", r + "/api/reports?limit=99999999999", null, null, viewer});
        requests.add(new Object[] {"GET", r + "/api/reports?status=BOGUS&lane=%F0%9F%99%82", null, null, viewer});
        requests.add(new Object[] {"GET", r + "/api/reports/..%2F..%2Fetc%2Fpasswd", null, null, viewer});
        requests.add(new Object[] {"GET", r + "/api/reports/" + "x".repeat(6000), null, null, viewer});
        requests.add(new Object[] {"GET", r + "/fhir/DiagnosticReport?identifier=%7C%7C%7C", null, null, viewer});
        requests.add(new Object[] {"GET", r + "/fhir/DiagnosticReport?subject=", null, null, viewer});
        requests.add(new Object[] {"GET", r + "/fhir/DiagnosticReport", null, null, viewer});
        for (String body : new String[] {"", "{", "null", "[]", "{\"text\":", deep, big, "\u0000\u0001\u0002"}) {
            requests.add(
                    new Object[] {"POST", r + "/api/reports/" + none + "/edit", "application/json", body, radiologist});
            requests.add(
                    new Object[] {"POST", r + "/api/reports/" + none + "/reject", "application/json", body, radiologist
                    });
            requests.add(new Object[] {"POST", r + "/auth/dev-token", "application/json", body, null});
            requests.add(new Object[] {"POST", i + "/jobs", "application/json", body, admin});
        }
        requests.add(new Object[] {"POST", r + "/api/reports/" + none + "/edit", "text/plain", "hello", radiologist});
        requests.add(
                new Object[] {"POST", r + "/api/reports/" + none + "/edit", "application/xml", "<a/>", radiologist});
        requests.add(new Object[] {
            "POST", r + "/auth/dev-token", "application/json", "{\"user\":\"" + "u".repeat(10_000) + "\"}", null
        });
        requests.add(new Object[] {
            "POST", r + "/auth/dev-token", "application/json", "{\"user\":\"x\",\"roles\":[\"root\"]}", null
        });
        requests.add(
                new Object[] {"POST", r + "/api/alerts/" + none + "/acknowledge", "application/json", "{", radiologist
                });
        requests.add(new Object[] {"DELETE", r + "/api/reports", null, null, viewer});
        requests.add(new Object[] {
            "POST", i + "/jobs", "application/json", "{\"from\":\"tomorrow\",\"to\":\"yesterday\"}", admin
        });
        requests.add(new Object[] {"GET", i + "/jobs/" + "%2e%2e%2f".repeat(20), null, null, admin});

        List<String> serverErrors = new ArrayList<>();
        List<String> jobsNotAuthorised = new ArrayList<>();
        for (Object[] q : requests) {
            long t0 = System.nanoTime();
            Map<String, String> headers = q[4] == null ? Map.of() : Map.of("Authorization", "Bearer " + q[4]);
            Http.Response resp = Http.send(
                    (String) q[0],
                    (String) q[1],
                    (String) q[2],
                    q[3] == null ? null : ((String) q[3]).getBytes(StandardCharsets.UTF_8),
                    headers);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String url = ((String) q[1]).length() > 80 ? ((String) q[1]).substring(0, 80) + "..." : (String) q[1];
            String body = q[3] == null
                    ? ""
                    : ((String) q[3]).length() > 20
                            ? ((String) q[3]).substring(0, 20) + "...(" + ((String) q[3]).length() + ")"
                            : (String) q[3];
            System.out.printf(
                    "  %-6s %-90s %-28s -> %d (%d ms)%n",
                    q[0], url, body.replaceAll("\\p{Cntrl}", "?"), resp.status(), ms);
            if (resp.status() >= 500) {
                serverErrors.add(q[0] + " " + url + " [" + body + "] -> " + resp.status() + " " + resp.body());
            }
            if (((String) q[1]).startsWith(i + "/jobs") && (resp.status() == 401 || resp.status() == 403)) {
                jobsNotAuthorised.add(q[0] + " " + url + " -> " + resp.status() + " " + resp.body());
            }
        }
        assertThat(serverErrors).as("requests answered with a server error").isEmpty();
        assertThat(jobsNotAuthorised)
                .as("/jobs fuzz refused at the door instead of reaching the body parser")
                .isEmpty();
        Http.Response anonymous =
                Http.send("POST", i + "/jobs", "application/json", "{".getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(anonymous.status())
                .as("/jobs without a token: " + anonymous.body())
                .isEqualTo(401);
        assertThat(p.allReady()).isTrue();
    }

    /** The RIS's answers are HL7 input too: garbage, half frames, an ACK for another message, AR. Delivery must survive them, once. */
    @Test
    void brokenRisAnswersAreRetriedAndTheReportArrivesOnce(Platform p) throws Exception {
        StudyFactory factory = new StudyFactory(p.work().resolve("hl7-fuzz"), "H");
        StudyFactory.Study study = factory.make(StudyFactory.Template.ROUTINE_PA);
        p.ris()
                .misbehave(
                        Mllp.frame("\u00ff\u00fe garbage that is not HL7", StandardCharsets.ISO_8859_1),
                        "no MLLP framing at all\r".getBytes(StandardCharsets.ISO_8859_1),
                        Mllp.frame(
                                "MSH|^~\\&|RIS|HOSPITAL|CXR_AI|CXR_PLATFORM|20261128||ACK|X1|P|2.5.1\rMSA|AA|SOMEONE-ELSE"),
                        Mllp.frame("MSH|^~\\&|RIS|HOSPITAL|CXR_AI|CXR_PLATFORM|20261128||ACK|X2|P|2.5.1\rMSA|ZZ|"),
                        RisPeer.HALF_ACK,
                        RisPeer.HANG_UP);
        try {
            assertThat(Dcmtk.storescu(p.options().callingAe(), p.aeTitle(), p.dicomPort(), List.of(study.file()))
                            .allStored(1))
                    .isTrue();
            assertThat(Pipeline.awaitOrus(p, List.of(study.accessionNumber()), Duration.ofSeconds(120)))
                    .isEmpty();
            Thread.sleep(3000);
            assertThat(p.ris().forAccession(study.accessionNumber()))
                    .as("ORUs at the RIS")
                    .hasSize(1);
            String controlId =
                    p.ris().forAccession(study.accessionNumber()).get(0).controlId();
            long arrivals =
                    p.ris().arrivals().stream().filter(controlId::equals).count();
            System.out.println("broken RIS: " + arrivals + " arrivals of " + controlId + " up to its AA");
            assertThat(p.ris().misbehaviourLeft())
                    .as("broken answers the RIS never served")
                    .isZero();
            assertThat(arrivals)
                    .as("arrivals of " + controlId + ": it met at least one broken answer and was sent again")
                    .isGreaterThan(1);
            assertThat(p.report().ready()).isTrue();
        } finally {
            p.ris().start();
        }
    }

    @Test
    void nulInAReportIdIsAClientError(Platform p) {
        String viewer = p.api().viewerToken();
        for (String path : List.of(
                "/api/reports/%00",
                "/api/reports/%00/history", "/fhir/DiagnosticReport/%00", "/fhir/DiagnosticReport?_id=%00")) {
            assertThat(p.api().get(path, viewer).status()).as(path).isBetween(400, 499);
        }
    }

    static void pause(long ms) {
        ServiceProcess.sleep(ms);
    }
}
