package org.cxrplatform.audit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.microprofile.config.Config;

/**
 * Where and how audit messages go. Every key and its default lives here (and in the module README);
 * both services read it from their application.properties / environment:
 *
 * <ul>
 *   <li>{@code cxr.audit.syslog.host}: the collector; unset = no syslog (the local table still gets every event)
 *   <li>{@code cxr.audit.syslog.port}: 6514 (RFC 5425's port)
 *   <li>{@code cxr.audit.syslog.protocol}: {@code tls} (default), {@code tcp} or {@code udp}
 *   <li>{@code cxr.audit.syslog.trust-certs}: PEM file of the CA(s) the collector's certificate must chain to;
 *       unset = the JVM's trust store
 *   <li>{@code cxr.audit.syslog.queue-capacity}: 10000 messages waiting for the collector, then dropped and counted
 *   <li>{@code cxr.audit.syslog.connect-timeout-ms}: 5000
 *   <li>{@code cxr.audit.syslog.max-backoff-ms}: 30000, the longest wait between two tries
 *   <li>{@code cxr.audit.source-id}: AuditSourceID, default {@code APP@HOSTNAME}
 *   <li>{@code cxr.audit.site-id}: AuditEnterpriseSiteID, default none
 * </ul>
 */
public record AuditConfig(
        String appName,
        Optional<String> host,
        int port,
        Protocol protocol,
        Optional<Path> trustCerts,
        int queueCapacity,
        int connectTimeoutMillis,
        long maxBackoffMillis,
        String hostname,
        String sourceId,
        Optional<String> siteId) {

    public enum Protocol {
        TLS,
        TCP,
        UDP
    }

    public AuditConfig {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("cxr.audit.syslog.port must be 1..65535, was " + port);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("cxr.audit.syslog.queue-capacity must be at least 1");
        }
    }

    /** Reads the keys above; {@code appName} is the syslog APP-NAME (e.g. {@code cxr-report-service}). */
    public static AuditConfig from(Config c, String appName) {
        String hostname = localHostname();
        return new AuditConfig(
                appName,
                c.getOptionalValue("cxr.audit.syslog.host", String.class).filter(h -> !h.isBlank()),
                c.getOptionalValue("cxr.audit.syslog.port", Integer.class).orElse(6514),
                c.getOptionalValue("cxr.audit.syslog.protocol", String.class)
                        .map(p -> Protocol.valueOf(p.trim().toUpperCase(Locale.ROOT)))
                        .orElse(Protocol.TLS),
                c.getOptionalValue("cxr.audit.syslog.trust-certs", String.class).map(Path::of),
                c.getOptionalValue("cxr.audit.syslog.queue-capacity", Integer.class)
                        .orElse(10_000),
                c.getOptionalValue("cxr.audit.syslog.connect-timeout-ms", Integer.class)
                        .orElse(5_000),
                c.getOptionalValue("cxr.audit.syslog.max-backoff-ms", Long.class)
                        .orElse(30_000L),
                hostname,
                c.getOptionalValue("cxr.audit.source-id", String.class).orElse(appName + "@" + hostname),
                c.getOptionalValue("cxr.audit.site-id", String.class));
    }

    /** TLS to the collector, trusting {@link #trustCerts} if set, else the JVM's trust store. */
    SSLSocketFactory tlsSocketFactory() {
        if (trustCerts.isEmpty()) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try (InputStream in = Files.newInputStream(trustCerts.get())) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cxr.audit.syslog.trust-certs: cannot read " + trustCerts.get() + ": " + e.getMessage(), e);
        }
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
