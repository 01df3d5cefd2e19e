package org.cxrplatform.contracts;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The Kafka client settings every service takes from its configuration: each {@code kafka.*} key
 * with the prefix stripped ({@code kafka.security.protocol} → {@code security.protocol}; env
 * {@code KAFKA_SSL_TRUSTSTORE_LOCATION} → {@code ssl.truststore.location}), the convention of
 * Quarkus' own Kafka clients. This is how TLS ({@code ssl.*}) and SASL ({@code sasl.*}) reach the
 * clients a service builds by hand.
 *
 * <p>{@link #merge} layers one client's config: the service's tunable defaults, then the
 * configured settings, then the settings delivery depends on (acks, idempotence, manual commits,
 * group, serializers), which configuration cannot override; an attempt is logged and ignored.
 */
public final class KafkaClientSettings {

    private static final System.Logger LOG = System.getLogger(KafkaClientSettings.class.getName());
    private static final String PREFIX = "kafka.";
    private static final String ENV_PREFIX = "KAFKA_";

    private KafkaClientSettings() {}

    /**
     * Every non-empty {@code kafka.*} property (or {@code KAFKA_*} env var), prefix stripped.
     *
     * @param propertyNames all configuration names (MicroProfile {@code Config.getPropertyNames()})
     * @param value         the value of one name, empty when unset
     */
    public static Map<String, String> from(Iterable<String> propertyNames, Function<String, Optional<String>> value) {
        Map<String, String> props = new TreeMap<>();
        for (String name : propertyNames) {
            String key = clientKey(name);
            if (key == null || key.isEmpty()) {
                continue;
            }
            value.apply(name).filter(v -> !v.isEmpty()).ifPresent(v -> props.put(key, v));
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
            return propertyName
                    .substring(ENV_PREFIX.length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.');
        }
        return null;
    }

    /**
     * A client's config: {@code defaults}, overridden by {@code configured}, overridden by
     * {@code pinned}. A configured value that differs from a pinned one is logged and dropped.
     */
    public static Map<String, Object> merge(
            String client, Map<String, ?> defaults, Map<String, String> configured, Map<String, ?> pinned) {
        Map<String, Object> props = new LinkedHashMap<>(defaults);
        props.putAll(configured);
        pinned.forEach((key, value) -> {
            String asConfigured = configured.get(key);
            if (asConfigured != null && !asConfigured.equals(Objects.toString(value))) {
                LOG.log(
                        Level.WARNING,
                        "{0}: kafka.{1}={2} ignored; this service needs {1}={3}",
                        client,
                        key,
                        asConfigured,
                        value);
            }
            props.put(key, value);
        });
        return props;
    }
}
