package org.cxrplatform.report.ris;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
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
@ApplicationScoped
public class RisTls {

    @Inject
    TlsConfigurationRegistry registry;

    @Inject
    ReportConfig config;

    /** Fails the start when an endpoint names a TLS configuration that does not exist or trusts everything. */
    void check(@Observes StartupEvent start) {
        config.ris().endpoints().forEach(this::socketFactory);
    }

    /** The sockets for {@code endpoint}: TLS from its named configuration, or empty for plain MLLP. */
    Optional<SSLSocketFactory> socketFactory(ReportConfig.Endpoint endpoint) {
        if (endpoint.tlsConfigurationName().isEmpty()) {
            return Optional.empty();
        }
        String name = endpoint.tlsConfigurationName().get();
        TlsConfiguration tls = registry.get(name)
                .orElseThrow(() -> new IllegalStateException("RIS " + endpoint.destination()
                        + ": tls-configuration-name " + name + " names no quarkus.tls." + name + ".* configuration"));
        if (tls.isTrustAll()) {
            throw new IllegalStateException("RIS " + endpoint.destination() + ": quarkus.tls." + name
                    + ".trust-all=true is refused; configure the RIS certificate's CA in quarkus.tls." + name
                    + ".trust-store");
        }
        try {
            return Optional.of(tls.createSSLContext().getSocketFactory());
        } catch (Exception e) {
            throw new IllegalStateException(
                    "RIS " + endpoint.destination() + ": cannot use quarkus.tls." + name + ": " + e.getMessage(), e);
        }
    }
}
