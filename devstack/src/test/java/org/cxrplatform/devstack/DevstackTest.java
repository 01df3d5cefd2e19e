package org.cxrplatform.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(DevstackExtension.class)
class DevstackTest {

    @Test
    void kafkaKeepsRecordsAcrossARestart(@TempDir Path dir) throws Exception {
        try (KafkaBroker kafka = new KafkaBroker(dir.resolve("kafka"), 0).start()) {
            kafka.createTopics(List.of("restart-test"), 1);
            produce(kafka.bootstrapServers(), "restart-test", "before");
            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            kafka.start();
            produce(kafka.bootstrapServers(), "restart-test", "after");
            assertThat(consumeAll(kafka.bootstrapServers(), "restart-test", 2)).containsExactly("before", "after");
        }
    }

    @Test
    void sharedBrokerIsInjectedAndUsable(KafkaBroker kafka) throws Exception {
        kafka.createTopics(List.of("shared-test"), 3);
        produce(kafka.bootstrapServers(), "shared-test", "hello");
        assertThat(consumeAll(kafka.bootstrapServers(), "shared-test", 1)).containsExactly("hello");
        assertThat(Devstack.kafka()).isSameAs(kafka);
    }

    @Test
    void postgresKeepsRowsAcrossARestart(Postgres shared, @TempDir Path dir) throws Exception {
        shared.createDatabase("devstack_test");
        try (Connection c =
                        DriverManager.getConnection(shared.jdbcUrl("devstack_test"), Postgres.USER, Postgres.PASSWORD);
                Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT current_database(), version()");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("devstack_test");
            assertThat(rs.getString(2)).startsWith("PostgreSQL 17");
        }
        try (Postgres pg = new Postgres(dir.resolve("pg"), 0).start()) {
            pg.createDatabase("restart");
            exec(pg, "CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')");
            pg.stop();
            pg.start();
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("restart"), Postgres.USER, Postgres.PASSWORD);
                    ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("kept");
            }
        }
        assertThat(Files.list(dir.resolve("pg")).count()).isPositive();
    }

    @Test
    void rejectsDatabaseNamesThatAreNotIdentifiers(Postgres pg) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pg.createDatabase("x; DROP"))
                .hasMessageContaining("plain identifier");
    }

    private static void exec(Postgres pg, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("restart"), Postgres.USER, Postgres.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void produce(String bootstrap, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }

    static List<String> consumeAll(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "t-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
