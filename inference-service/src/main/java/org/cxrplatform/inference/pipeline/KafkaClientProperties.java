package org.cxrplatform.inference.pipeline;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The Kafka client settings from configuration, shared by the lane consumers and the output
 * producer: every {@code kafka.*} key with the prefix stripped ({@code kafka.security.protocol} →
 * {@code security.protocol}; env {@code KAFKA_SSL_TRUSTSTORE_LOCATION} → {@code ssl.truststore.location}),
 * the same convention as Quarkus' own Kafka clients. This is how TLS ({@code ssl.*}) and SASL
 * ({@code sasl.*}) are turned on.
 *
 * <p>{@link #merge} layers a client's config: the service's tunable defaults, then these
 * configured properties, then the settings delivery depends on (acks, idempotence, manual
 * commits, isolation, group, deserializers...), which configuration cannot override; an attempt
 * is logged and ignored.
 */
public final class KafkaClientProperties {

    private static final Logger LOG = Logger.getLogger(KafkaClientProperties.class);
    private static final String PREFIX = "kafka.";
    private static final String ENV_PREFIX = "KAFKA_";

    private KafkaClientProperties() {
    }

    /** Every non-empty {@code kafka.*} property (or {@code KAFKA_*} env var) of {@code config}, prefix stripped. */
    public static Map<String, String> from(Config config) {
        Map<String, String> props = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            String key = clientKey(name);
            if (key == null || key.isEmpty()) {
                continue;
            }
            String value = config.getOptionalValue(name, String.class).orElse("");
            if (!value.isEmpty()) {
                props.put(key, value);
            }
        }
        return props;
    }

    /** {@code kafka.ssl.keystore.location} and {@code KAFKA_SSL_KEYSTORE_LOCATION} → {@code ssl.keystore.location}; else null. */
    static String clientKey(String propertyName) {
        if (propertyName.startsWith(PREFIX)) {
            return propertyName.substring(PREFIX.length());
        }
        if (propertyName.startsWith(ENV_PREFIX)) {
            // Kafka client keys have no '_', so the env form maps back unambiguously.
            return propertyName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        }
        return null;
    }

    /**
     * A client's config: {@code defaults}, overridden by {@code configured}, overridden by
     * {@code pinned}. A configured value that differs from a pinned one is logged and dropped.
     */
    public static Map<String, Object> merge(String client, Map<String, ?> defaults, Map<String, String> configured,
                                            Map<String, ?> pinned) {
        Map<String, Object> props = new LinkedHashMap<>(defaults);
        props.putAll(configured);
        pinned.forEach((key, value) -> {
            String asConfigured = configured.get(key);
            if (asConfigured != null && !asConfigured.equals(Objects.toString(value))) {
                LOG.warnf("%s: kafka.%s=%s ignored; this service needs %s=%s", client, key, asConfigured, key, value);
            }
            props.put(key, value);
        });
        return props;
    }
}
