package org.cxrplatform.ingest.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * HL7 order intake settings added after {@link IngestConfig.Orders} (same {@code cxr.ingest.orders}
 * prefix, a mapping of its own so the orders work stays out of the shared {@code IngestConfig}).
 */
@ConfigMapping(prefix = "cxr.ingest.orders")
public interface OrdersConfig {

    /** How long an accession number that arrived by push is remembered (DATA/orders/pushed-accessions.log). */
    @WithDefault("30d")
    Duration pushedRetention();

    Tls tls();

    /** MLLP over TLS for the order listener; off by default for local runs. */
    interface Tls {
        /** Accept only TLS connections on the MLLP port. */
        @WithDefault("false")
        boolean enabled();

        /** PKCS12 or JKS file with the listener's certificate and private key (required when enabled). */
        Optional<Path> keyStore();

        Optional<String> keyStorePassword();

        /** Certificates/CAs trusted for client certificates; unset: the JDK's default trust. */
        Optional<Path> trustStore();

        Optional<String> trustStorePassword();

        /** Mutual TLS: refuse clients without a trusted certificate. */
        @WithDefault("false")
        boolean requireClientCert();
    }
}
