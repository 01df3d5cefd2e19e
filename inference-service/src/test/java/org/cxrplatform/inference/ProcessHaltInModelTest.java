package org.cxrplatform.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The in-flight guard against real process deaths: the packaged service, started with the
 * test-only JVM property {@code cxr.test.halt-in-model-on-image-width=81}, halts
 * ({@code Runtime.halt(134)}: no shutdown hook, no commit, its consumers never leave the group)
 * inside any model call holding an 81-pixel-wide image, as a SIGSEGV in libtorch would. It is
 * restarted like a crash-looping pod. Needs {@code target/quarkus-app}, so it is not in the
 * default run:
 * <pre>
 * mvn -B -o -pl inference-service verify -DskipTests
 * mvn -B -o -pl inference-service surefire:test -Dgroups=process -Dtest.excludedGroups=none -Dtest=ProcessHaltInModelTest
 * </pre>
 */
@Tag("process")
class ProcessHaltInModelTest {

    private static final int MAX_ATTEMPTS = 3;

    @Test
    void studyThatHaltsTheJvmInTheModelIsDeadLetteredAfterMaxAttemptsRestarts_testHookHaltsTheRealProcess()
            throws Exception {
        Devstack.createTopics(Topics.ALL, 3);
        Path log = Files.createTempFile("inference-service-halt-", ".log");
        Map<String, String> env = Map.of(
                "CXR_INFERENCE_GROUP_ID",
                "halt-" + UUID.randomUUID().toString().substring(0, 8),
                "CXR_INFERENCE_MAX_ATTEMPTS",
                Integer.toString(MAX_ATTEMPTS),
                "CXR_GENERATION_MAX_NEW_TOKENS",
                "32"); // a halted replica leaves its group within 6 s: PackagedService
        List<String> hook = List.of("-Dcxr.test.halt-in-model-on-image-width=81");

        StudyEvent killer = TestStudies.eventWithPng(
                TestStudies.newUid(),
                Lane.ROUTINE,
                Base64.getEncoder()
                        .encodeToString(TestStudies.png(new BufferedImage(81, 64, BufferedImage.TYPE_BYTE_GRAY))));
        List<ProducerRecord<String, byte[]>> sent = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            sent.add(TestStudies.record(
                    Topics.STUDIES_ROUTINE, TestStudies.event(TestStudies.newUid(), Lane.ROUTINE, 7000 + i)));
        }
        sent.add(3, TestStudies.record(Topics.STUDIES_ROUTINE, killer));
        // one partition, so the killer sits inside a batch and the guard has to isolate it
        sent.replaceAll(r -> new ProducerRecord<>(r.topic(), 0, r.key(), r.value(), r.headers()));
        Set<String> neighbours = sent.stream()
                .map(ProducerRecord::key)
                .filter(k -> !k.equals(killer.studyInstanceUid()))
                .collect(Collectors.toSet());

        try (KafkaProducer<String, byte[]> producer = KafkaTestSupport.producer();
                KafkaTestSupport.TopicReader reports = new KafkaTestSupport.TopicReader(Topics.REPORTS);
                KafkaTestSupport.TopicReader dlq = new KafkaTestSupport.TopicReader(Topics.DLQ)) {
            KafkaTestSupport.send(producer, sent);
            int crashes = 0;
            ServiceProcess service = PackagedService.create(log, env, hook);
            try {
                while (true) {
                    service.start();
                    dlq.readUntil(rs -> !rs.isEmpty() || !service.alive(), Duration.ofMinutes(5));
                    if (service.alive()) {
                        break;
                    }
                    assertThat(service.exitValue())
                            .as("halted by the hook inside the model (log: " + log + ")")
                            .isEqualTo(134);
                    crashes++;
                    assertThat(crashes)
                            .as("the guard stops the crash loop (log: " + log + ")")
                            .isLessThanOrEqualTo(MAX_ATTEMPTS);
                }
                assertThat(crashes)
                        .as("processes killed by the study (log: " + log + ")")
                        .isEqualTo(MAX_ATTEMPTS);

                List<ConsumerRecord<String, byte[]>> letters = dlq.drain(Duration.ofSeconds(1));
                assertThat(letters).hasSize(1);
                DeadLetter letter = EventJson.read(letters.get(0).value(), DeadLetter.class);
                assertThat(letter.studyInstanceUid()).isEqualTo(killer.studyInstanceUid());
                assertThat(letter.reason())
                        .contains("the inference process died 3 times while this study was in the model");
                assertThat(letter.attempts()).isEqualTo(MAX_ATTEMPTS);

                List<ConsumerRecord<String, byte[]>> all =
                        reports.readUntil(rs -> uids(rs).containsAll(neighbours), Duration.ofMinutes(3));
                all = reports.drain(Duration.ofSeconds(2));
                Map<String, Long> perStudy = all.stream()
                        .map(r -> EventJson.read(r.value(), ReportEvent.class).studyInstanceUid())
                        .collect(Collectors.groupingBy(uid -> uid, Collectors.counting()));
                assertThat(perStudy.keySet())
                        .as("only the killer has no report")
                        .isEqualTo(neighbours);
                assertThat(perStudy.values())
                        .as("each neighbour reported exactly once")
                        .allMatch(n -> n == 1);
                assertThat(service.alive()).as("the last replica keeps running").isTrue();
                System.out.printf(
                        "process halted in the model %d times, then the study was dead-lettered; %d neighbours reported once each%n",
                        crashes, perStudy.size());
            } finally {
                service.stop(Duration.ofSeconds(30));
            }
        }
    }

    private static Set<String> uids(List<ConsumerRecord<String, byte[]>> reports) {
        return reports.stream()
                .map(r -> EventJson.read(r.value(), ReportEvent.class).studyInstanceUid())
                .collect(Collectors.toSet());
    }
}
