package org.cxrplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the topic Job's shell script as rendered, with bash, against a stand-in kafka-topics.sh that
 * records its arguments (one line per call, arguments separated by '|'). Catches quoting and line
 * continuation mistakes that a YAML parse cannot see.
 */
class TopicJobScriptTest {

    @Test
    void plaintextScriptCreatesEveryTopicWithItsSettingsThenDescribesThem(@TempDir Path tmp) throws Exception {
        Container c = topicsContainer(Scenarios.DEFAULT);
        Run run = run(c, tmp, Map.of(), 0);
        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.calls).hasSize(1 + 5 + 5 + 1);
        assertThat(run.calls.get(0)).contains("|--list");
        assertThat(run.calls.get(2))
                .isEqualTo("kafka-topics.sh|--bootstrap-server|kafka.kafka.svc.cluster.local:9092|--command-config|"
                        + tmp.resolve("tmp/client.properties")
                        + "|--create|--if-not-exists|--topic|cxr.studies.routine|--partitions|24"
                        + "|--replication-factor|3|--config|min.insync.replicas=2|--config|retention.ms=1209600000");
        // An existing topic gets its settings again (--create --if-not-exists leaves it alone).
        assertThat(run.calls.get(7))
                .isEqualTo(
                        "kafka-configs.sh|--bootstrap-server|kafka.kafka.svc.cluster.local:9092|--command-config|"
                                + tmp.resolve("tmp/client.properties")
                                + "|--alter|--entity-type|topics|--entity-name|cxr.studies.routine|--add-config|retention.ms=1209600000");
        // One --topic: kafka-topics.sh refuses a second one ("Found multiple arguments for option topic").
        assertThat(run.calls.get(11))
                .endsWith("|--describe|--topic|^(cxr\\.studies\\.stat|cxr\\.studies\\.routine"
                        + "|cxr\\.reports|cxr\\.alerts|cxr\\.dlq)$");
        assertThat(run.clientProperties).isEqualTo("security.protocol=PLAINTEXT\n");
    }

    /** Image retention on Kafka is PHI retention: each topic's retention.ms comes from values, at creation and after. */
    @Test
    void retentionPerTopicFromValuesReachesNewAndExistingTopics(@TempDir Path tmp) throws Exception {
        // Helm replaces a list given in an overlay whole: the overlay carries the default topic list, two retentions
        // changed.
        ObjectNode topics = (ObjectNode) Chart.values(Chart.DEFAULT_VALUES).get("topics");
        ((ObjectNode) topics.get("items").get(0).get("config")).put("retention.ms", "3600000");
        ((ObjectNode) topics.get("items").get(4).get("config")).put("retention.ms", "86400000");
        Path overlay = tmp.resolve("retention.yaml");
        Chart.YAML.writeValue(overlay.toFile(), Chart.YAML.createObjectNode().set("topics", topics));
        Container c = Workloads.of(Chart.render(v -> v.withValuesFile(overlay))).topicJobContainer();
        Run run = run(c, tmp, Map.of(), 0);
        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.calls.get(1))
                .startsWith("kafka-topics.sh|")
                .contains("|--topic|cxr.studies.stat|")
                .endsWith("|--config|retention.ms=3600000");
        assertThat(run.calls)
                .filteredOn(l -> l.startsWith("kafka-configs.sh|"))
                .extracting(l -> l.substring(l.indexOf("|--entity-name|") + "|--entity-name|".length()))
                .containsExactly(
                        "cxr.studies.stat|--add-config|retention.ms=3600000",
                        "cxr.studies.routine|--add-config|retention.ms=1209600000",
                        "cxr.reports|--add-config|retention.ms=1209600000",
                        "cxr.alerts|--add-config|retention.ms=1209600000",
                        "cxr.dlq|--add-config|retention.ms=86400000");
    }

    @Test
    void saslScriptWritesTheClientConfigAndWaitsForKafka(@TempDir Path tmp) throws Exception {
        Container c = topicsContainer(Scenarios.VARIANTS);
        Run run = run(c, tmp, Map.of("KAFKA_SASL_USERNAME", "cxr", "KAFKA_SASL_PASSWORD", "s3cr3t"), 2);
        assertThat(run.exitCode).as(run.output).isZero();
        assertThat(run.output).contains("waiting for Kafka");
        assertThat(run.calls.stream().filter(l -> l.endsWith("|--list"))).hasSize(3);
        assertThat(run.clientProperties)
                .isEqualTo(
                        "security.protocol=SASL_SSL\n"
                                // the brokers' CA of the production values (externalKafka.tls.caSecret)
                                + "ssl.truststore.type=PEM\nssl.truststore.location=/etc/cxr/kafka-ca/ca.crt\n"
                                + "sasl.mechanism=SCRAM-SHA-256\n"
                                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"cxr\" password=\"s3cr3t\";\n");
    }

    private record Run(int exitCode, String output, List<String> calls, String clientProperties) {}

    private static Container topicsContainer(Scenarios scenario) {
        return Workloads.of(scenario.objects()).topicJobContainer();
    }

    /** Runs the container's command; the stub fails the first {@code failingLists} "--list" calls (Kafka not up). */
    private static Run run(Container c, Path tmp, Map<String, String> secrets, int failingLists)
            throws IOException, InterruptedException {
        Path bin = Files.createDirectories(tmp.resolve("opt/kafka/bin"));
        Path calls = tmp.resolve("calls.txt");
        Path counter = tmp.resolve("lists.txt");
        Path stub = bin.resolve("kafka-topics.sh");
        String stubScript = """
                #!/bin/bash
                (IFS='|'; echo "$(basename "$0")|$*") >> '%s'
                if [[ " $* " == *" --list "* ]]; then
                  echo x >> '%s'
                  [ "$(wc -l < '%s')" -gt %d ] || exit 1
                fi
                exit 0
                """.formatted(calls, counter, counter, failingLists);
        for (Path s : List.of(stub, bin.resolve("kafka-configs.sh"))) {
            Files.writeString(s, stubScript);
            Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createDirectories(tmp.resolve("tmp"));

        // /tmp first: the temporary directory itself lives under /tmp
        String script = c.getArgs()
                .get(0)
                .replace("/tmp/", tmp.resolve("tmp") + "/")
                .replace("/opt/kafka/bin/", bin + "/")
                .replace("sleep 5", "sleep 0");
        assertThat(script).contains(stub.toString());
        List<String> command = new ArrayList<>(c.getCommand());
        command.add(script);
        Path log = tmp.resolve("output.txt");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        for (EnvVar e : c.getEnv()) {
            if (e.getValue() != null) {
                pb.environment().put(e.getName(), e.getValue());
            }
        }
        pb.environment().putAll(secrets);
        Process p = pb.start();
        boolean finished = p.waitFor(30, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished).as("script did not finish: " + output).isTrue();
        List<String> lines = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
        Path props = tmp.resolve("tmp/client.properties");
        return new Run(p.exitValue(), output, lines, Files.exists(props) ? Files.readString(props) : null);
    }
}
