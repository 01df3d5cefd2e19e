package org.cxrplatform.ingest.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.ingest.support.Echo;
import org.cxrplatform.ingest.support.EventCollector;
import org.cxrplatform.ingest.support.FuzzCorpus;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several hundred malformed instances ({@link FuzzCorpus}), each sent with storescu to the packaged service:
 * after every one the SCP answers a C-ECHO on a new association ({@link Echo}, from this JVM: an echoscu process per
 * instance was the run's largest cost) and the same process still runs; at the end (the decodes run behind the
 * answers in the default {@code acknowledge=SPOOL}) every instance the service answered with success is on Kafka
 * exactly once (a StudyEvent on a lane or a dead letter with its reason) unless skipped with a reason, a refused one
 * (failure status with a reason) left nothing, the same process still runs, and the service's RSS stayed bounded.
 * Prints the outcome counts by reason and the time taken.
 */
@Tag("packaged")
class FuzzCorpusPackagedTest {

    @TempDir
    Path tmp;

    @Test
    void noInstanceStopsTheIntake() throws Exception {
        long t0 = System.nanoTime();
        List<FuzzCorpus.Instance> corpus = FuzzCorpus.build(tmp.resolve("fuzz"), 14);
        long built = System.nanoTime();
        assertThat(corpus).hasSizeGreaterThan(300);
        int port = FreePorts.next();
        Map<String, String> sopOutcome = new HashMap<>();
        Map<String, Integer> storeResults = new TreeMap<>();
        long maxRssKb = 0;
        long maxWorkersRssKb = 0;
        long rssAfterWarmUpKb = 0;
        long storeNanos = 0;
        long echoNanos = 0;
        Map<String, Long> slowest = new HashMap<>();
        // A decoder that hangs is killed at the time limit: 5 s instead of the production 30 s keeps the hanging
        // instance of the corpus from costing half a minute of CI (a decode of these 512x600 frames takes ~50 ms).
        try (ServiceProcess service =
                        PackagedIngest.service(tmp.resolve("data"), port, Map.of("cxr.ingest.decoders.timeout", "5s"));
                EventCollector events = new EventCollector()) {
            service.start();
            service.awaitReady(PackagedIngest.startTimeout());
            long pid = service.pid();
            for (int i = 0; i < corpus.size(); i++) {
                FuzzCorpus.Instance instance = corpus.get(i);
                long t = System.nanoTime();
                Dcmtk.Result r = Dcmtk.storescu(
                        PackagedIngest.ROUTER,
                        PackagedIngest.AE,
                        port,
                        List.of(instance.proposal(), "-to", "30", "-ta", "30", "-td", "120"),
                        List.of(instance.file()));
                long stored = System.nanoTime();
                storeNanos += stored - t;
                slowest.put(instance.name(), stored - t);
                String result = r.responses().isEmpty() ? "not-sent" : r.successes() == 1 ? "success" : "refused";
                sopOutcome.put(instance.studyInstanceUid(), result);
                storeResults.merge(
                        result
                                + (result.equals("refused")
                                        ? " (" + r.responses().get(0) + ")"
                                        : ""),
                        1,
                        Integer::sum);
                Echo.Result echo = Echo.verify(PackagedIngest.ROUTER, PackagedIngest.AE, port, Duration.ofSeconds(60));
                echoNanos += System.nanoTime() - stored;
                assertThat(echo.ok())
                        .as("C-ECHO after " + instance.name() + ": " + echo.detail())
                        .isTrue();
                assertThat(service.alive() && service.pid() == pid)
                        .as("same service process after " + instance.name())
                        .isTrue();
                long rss = service.rssKb();
                maxRssKb = Math.max(maxRssKb, rss);
                maxWorkersRssKb = Math.max(
                        maxWorkersRssKb,
                        PackagedIngest.workers(service).stream()
                                .mapToLong(PackagedIngest::rssKb)
                                .sum());
                if (i == 49) {
                    rssAfterWarmUpKb = rss;
                }
            }
            long sent = System.nanoTime();

            // Every success was answered once spooled (acknowledge=SPOOL, the default) and is on Kafka once the
            // background stage settled it: read until each is there or 2 min pass.
            Map<String, List<String>> recordsByStudy = new HashMap<>();
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        recordsByStudy.clear();
                        for (ConsumerRecord<String, byte[]> rec : events.poll()) {
                            String study;
                            String outcome;
                            if (rec.topic().equals(Topics.DLQ)) {
                                DeadLetter dl = EventJson.read(rec.value(), DeadLetter.class);
                                study = dl.studyInstanceUid();
                                outcome = "dead-letter " + dl.reason().split(":", 2)[0];
                            } else {
                                StudyEvent e = EventJson.read(rec.value(), StudyEvent.class);
                                study = e.studyInstanceUid();
                                outcome = "accepted " + e.lane();
                            }
                            if (sopOutcome.containsKey(study)) {
                                recordsByStudy
                                        .computeIfAbsent(study, k -> new java.util.ArrayList<>())
                                        .add(outcome);
                            }
                        }
                        return sopOutcome.entrySet().stream()
                                .filter(e -> e.getValue().equals("success"))
                                .allMatch(e -> recordsByStudy.containsKey(e.getKey()));
                    });
            double skipped = service.metric("cxr_ingest_instances_skipped_total");
            Map<String, Integer> byReason = new TreeMap<>();
            for (FuzzCorpus.Instance instance : corpus) {
                List<String> records = recordsByStudy.getOrDefault(instance.studyInstanceUid(), List.of());
                String result = sopOutcome.get(instance.studyInstanceUid());
                if (result.equals("success")) {
                    assertThat(records)
                            .as(instance.name() + ": exactly one record")
                            .hasSize(1);
                    byReason.merge(records.get(0), 1, Integer::sum);
                } else {
                    assertThat(records)
                            .as(instance.name() + " was " + result + ": nothing on Kafka")
                            .isEmpty();
                }
            }
            assertThat(Double.isNaN(skipped) ? 0 : skipped)
                    .as("every instance is a frontal chest DX: none skipped")
                    .isZero();
            assertThat(byReason.get("dead-letter decoder-crashed"))
                    .as("the JPEG 2000 crash input, at least")
                    .isPositive();
            assertThat(maxRssKb).as("service RSS, KiB").isLessThan(1_200_000);
            assertThat(maxRssKb - rssAfterWarmUpKb)
                    .as("service RSS growth after 50 instances, KiB")
                    .isLessThan(300_000);
            assertThat(service.alive() && service.pid() == pid && service.starts() == 1)
                    .isTrue();
            assertThat(service.ready()).isTrue();

            System.out.printf(
                    "fuzz corpus: %d instances built in %.0f s, sent in %.0f s (%.2f s each with C-ECHO)%n",
                    corpus.size(), (built - t0) / 1e9, (sent - built) / 1e9, (sent - built) / 1e9 / corpus.size());
            System.out.printf(
                    "storescu %.0f s in total, C-ECHO %.1f s; slowest C-STOREs: %s%n",
                    storeNanos / 1e9,
                    echoNanos / 1e9,
                    slowest.entrySet().stream()
                            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                            .limit(5)
                            .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue() / 1e9))
                            .toList());
            System.out.printf("C-STORE results: %s%n", storeResults);
            System.out.printf("outcomes of the successes: %s%n", byReason);
            System.out.printf(
                    "decoder restarts: crashed %.0f, timeout %.0f; service RSS max %d MiB (after 50: %d MiB), "
                            + "workers' RSS max %d MiB in total%n",
                    nanToZero(service.metric("cxr_ingest_decoder_restarts_total", "cause=\"crashed\"")),
                    nanToZero(service.metric("cxr_ingest_decoder_restarts_total", "cause=\"timeout\"")),
                    maxRssKb / 1024,
                    rssAfterWarmUpKb / 1024,
                    maxWorkersRssKb / 1024);
        }
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
