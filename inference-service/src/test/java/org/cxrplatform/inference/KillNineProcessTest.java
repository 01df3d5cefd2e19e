package org.cxrplatform.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.InFlightMarker;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the packaged service while a batch is provably in the engine (its in-flight marker is
 * the committed offset's metadata before and after the kill), then a restart: the marked studies
 * are delivered again and reported after the restart, every study gets its report, and a study
 * reported twice keeps its report id. Needs {@code target/quarkus-app}, so it runs after
 * {@code package} in the {@code process-tests} execution of every {@code verify}; alone:
 * <pre>
 * mvn -B -o -pl inference-service verify -Dtest=KillNineProcessTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("process")
class KillNineProcessTest {

    private static final String GROUP = "cxr-inference-routine";

    @Test
    void killNineWithABatchInFlightRedeliversItAndLosesNothing() throws Exception {
        Devstack.createTopics(Topics.ALL, 3);
        Path log = Files.createTempFile("inference-service-", ".log");
        // enough that the tiny model cannot finish the backlog before the kill
        Map<TopicPartition, Map<Long, String>> keyAt = new HashMap<>();
        Set<String> expected = new HashSet<>();
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer();
                KafkaTestSupport.TopicReader reports = new KafkaTestSupport.TopicReader(Topics.REPORTS);
                Admin admin = Devstack.kafka().admin()) {
            for (int i = 0; i < 160; i++) {
                ProducerRecord<String, byte[]> r = TestStudies.record(
                        Topics.STUDIES_ROUTINE, TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, 9000 + i));
                RecordMetadata m = producer.send(r).get(30, TimeUnit.SECONDS);
                keyAt.computeIfAbsent(new TopicPartition(m.topic(), m.partition()), k -> new HashMap<>())
                        .put(m.offset(), r.key());
                expected.add(r.key());
            }
            ServiceProcess service = PackagedService.create(log, Map.of(), List.of());
            service.start();
            Set<String> marked = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            // A batch may finish between reading its marker and the kill; then the kill proves nothing and is repeated.
            while (marked.isEmpty()) {
                assertThat(System.nanoTime())
                        .as("a kill with studies in the engine within 5 min (log: " + log + ")")
                        .isLessThan(deadline);
                while (markedStudies(admin, keyAt).isEmpty()) {
                    assertThat(service.alive())
                            .as("service alive (log: " + log + ")")
                            .isTrue();
                    ServiceProcess.sleep(20);
                }
                service.kill9(); // SIGKILL: no shutdown hook, no commit
                marked.addAll(markedStudies(admin, keyAt)); // what the broker kept: studies in the engine at death
                if (marked.isEmpty()) {
                    service.start();
                }
            }
            int beforeRestart = reports.drain(Duration.ofMillis(500)).size();
            assertThat(beforeRestart).as("killed before the backlog was done").isLessThan(expected.size());

            service.start();
            try {
                List<ConsumerRecord<String, byte[]>> after = reports.readUntil(
                        rs -> reportsPerStudy(rs).keySet().containsAll(expected), Duration.ofMinutes(10));
                Set<String> reportedAfterRestart = after.subList(beforeRestart, after.size()).stream()
                        .map(ConsumerRecord::key)
                        .collect(Collectors.toSet());
                Map<String, Set<String>> ids = reportsPerStudy(after);
                assertThat(ids.keySet()).as("every study reported").containsAll(expected);
                assertThat(ids.values()).as("one report id per study").allMatch(s -> s.size() == 1);
                assertThat(reportedAfterRestart)
                        .as("the studies in the engine at the kill were delivered again and reported after the restart")
                        .containsAll(marked);
                assertThat(service.metric("cxr_inference_crash_recoveries_total"))
                        .as("the restarted replica found the in-flight marker")
                        .isGreaterThanOrEqualTo(1.0);
                System.out.printf(
                        "kill -9 with %d studies in the engine, %d reports published before it; %d reports in total after"
                                + " the restart (%d delivered twice)%n",
                        marked.size(), beforeRestart, after.size(), after.size() - expected.size());
            } finally {
                service.stop(Duration.ofSeconds(30));
            }
        }
    }

    /** The study keys the committed in-flight markers of the routine lane name (empty: no batch in the engine). */
    private static Set<String> markedStudies(Admin admin, Map<TopicPartition, Map<Long, String>> keyAt)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata()
                .get(20, TimeUnit.SECONDS);
        Set<String> keys = new HashSet<>();
        committed.forEach((tp, om) -> {
            if (om != null) {
                InFlightMarker.read(om.metadata())
                        .ifPresent(m -> m.offsets()
                                .forEach(o -> keys.add(
                                        keyAt.getOrDefault(tp, Map.of()).get(o))));
            }
        });
        keys.remove(null);
        return keys;
    }

    private static Map<String, Set<String>> reportsPerStudy(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Set<String>> ids = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            ReportEvent e = EventJson.read(r.value(), ReportEvent.class);
            ids.computeIfAbsent(e.studyInstanceUid(), k -> new HashSet<>()).add(e.reportId());
        }
        return ids;
    }
}
