package org.cxrplatform.report.ris;

import io.quarkus.runtime.Startup;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;
import org.cxrplatform.report.ReportConfig;

/**
 * TLS for the RIS endpoints: each endpoint names a configuration of Quarkus' TLS registry
 * ({@code cxr.report.ris.endpoints[i].tls-configuration-name} → {@code quarkus.tls.<name>.*}), so key
 * and trust stores are read and checked at start-up by the registry, not by code of ours.
 * A configuration that trusts every certificate is refused: the ORU carries patient data, and
 * a RIS that cannot be identified must not get it.
 */
@Startup
@ApplicationScoped
public class RisTls {

    @Inject
    TlsConfigurationRegistry registry;

    @Inject
    ReportConfig config;

    /** The socket factory of every TLS endpoint, by destination; plain MLLP endpoints have none. */
    private final Map<String, SSLSocketFactory> factories = new HashMap<>();

    /**
     * Builds each TLS endpoint's sockets once, at start-up ({@link Startup}): an endpoint naming a TLS
     * configuration that does not exist, trusts everything or cannot be used fails the start.
     */
    @PostConstruct
    void build() {
        for (ReportConfig.Endpoint endpoint : config.ris().endpoints()) {
            endpoint.tlsConfigurationName()
                    .ifPresent(name -> factories.put(endpoint.destination(), build(endpoint, name)));
        }
    }

    /** The sockets for {@code endpoint}: TLS from its named configuration, or empty for plain MLLP. */
    Optional<SSLSocketFactory> socketFactory(ReportConfig.Endpoint endpoint) {
        // Optional.of: a TLS endpoint without its factory fails instead of falling back to plain text
        return endpoint.tlsConfigurationName().isEmpty()
                ? Optional.empty()
                : Optional.of(factories.get(endpoint.destination()));
    }

    private SSLSocketFactory build(ReportConfig.Endpoint endpoint, String name) {
        TlsConfiguration tls = registry.get(name)
                .orElseThrow(() -> new IllegalStateException("RIS " + endpoint.destination()
                        + ": tls-configuration-name " + name + " names no quarkus.tls." + name + ".* configuration"));
        if (tls.isTrustAll()) {
            throw new IllegalStateException("RIS " + endpoint.destination() + ": quarkus.tls." + name
                    + ".trust-all=true is refused; configure the RIS certificate's CA in quarkus.tls." + name
                    + ".trust-store");
        }
        try {
            return tls.createSSLContext().getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "RIS " + endpoint.destination() + ": cannot use quarkus.tls." + name + ": " + e.getMessage(), e);
        }
    }
}
