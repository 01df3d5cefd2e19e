package org.cxrplatform.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the packaged service mid-batch, then a restart: every study gets its report and a
 * re-delivered study keeps its report id. Needs {@code target/quarkus-app} from an earlier
 * {@code verify}, so it is not in the default run:
 * <pre>
 * mvn -B -o -pl inference-service verify -DskipTests
 * mvn -B -o -pl inference-service surefire:test -Dgroups=process -Dtest.excludedGroups=none -Dtest=KillNineProcessTest
 * </pre>
 */
@Tag("process")
class KillNineProcessTest {

    @Test
    void killNineMidBatchLosesNothingAndRedeliversTheSameReportIds() throws Exception {
        Devstack.createTopics(Topics.ALL, 3);
        Path log = Files.createTempFile("inference-service-", ".log");
        List<ProducerRecord<String, byte[]>> sent = new ArrayList<>();
        // enough that the tiny model cannot finish the backlog in the moment between the first report and the kill
        for (int i = 0; i < 160; i++) {
            sent.add(TestStudies.record(
                    Topics.STUDIES_ROUTINE, TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, 9000 + i)));
        }
        Set<String> expected = sent.stream().map(ProducerRecord::key).collect(Collectors.toSet());
        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer();
                KafkaTestSupport.TopicReader reports = new KafkaTestSupport.TopicReader(Topics.REPORTS)) {
            KafkaTestSupport.send(producer, sent);
            ServiceProcess service = PackagedService.create(log, Map.of(), List.of());
            service.start();
            List<ConsumerRecord<String, byte[]>> beforeKill =
                    reports.readUntil(rs -> !rs.isEmpty(), Duration.ofMinutes(5));
            assertThat(beforeKill)
                    .as("the service produced reports (log: " + log + ")")
                    .isNotEmpty();
            service.kill9(); // SIGKILL: no shutdown hook, no commit
            int killedAfter = reports.drain(Duration.ofMillis(500)).size();
            assertThat(killedAfter).as("killed before the backlog was done").isLessThan(sent.size());

            service.start();
            try {
                List<ConsumerRecord<String, byte[]>> all = reports.readUntil(
                        rs -> rs.stream()
                                .map(ConsumerRecord::key)
                                .collect(Collectors.toSet())
                                .containsAll(expected),
                        Duration.ofMinutes(10));
                Map<String, Set<String>> ids = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : all) {
                    ReportEvent e = EventJson.read(r.value(), ReportEvent.class);
                    ids.computeIfAbsent(e.studyInstanceUid(), k -> new HashSet<>())
                            .add(e.reportId());
                }
                assertThat(ids.keySet()).containsAll(expected);
                assertThat(ids.values()).allMatch(s -> s.size() == 1);
                System.out.printf(
                        "kill -9 after %d of %d reports; %d reports in total after the restart (%d re-delivered)%n",
                        killedAfter, sent.size(), all.size(), all.size() - sent.size());
            } finally {
                service.stop(Duration.ofSeconds(30));
            }
        }
    }
}
