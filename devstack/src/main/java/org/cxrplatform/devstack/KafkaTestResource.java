package org.cxrplatform.devstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: points the application under test at the shared real Kafka broker.
 * {@code @QuarkusTestResource(KafkaTestResource.class)} on any test class.
 */
public final class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", Devstack.kafkaBootstrap());
    }

    @Override
    public void stop() {
        // Shared across the test run; stopped by the JVM shutdown hook.
    }
}
