package org.cxrplatform.ingest.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** MLLP over TLS for the HL7 order listener ({@code cxr.ingest.orders.tls.*}); off by default for local runs. */
@ConfigMapping(prefix = "cxr.ingest.orders.tls")
public interface OrdersTlsConfig {

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
