package org.cxrplatform.report;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every {@code cxr.report.*} key, with its default; documented in application.properties and the README. */
@ConfigMapping(prefix = "cxr.report")
public interface ReportConfig {

    /** Where the dev signing key pair lives. */
    @WithDefault("data/report-service")
    Path dataDir();

    /** Enables POST /auth/dev-token and a generated signing key (never in production). */
    @WithDefault("false")
    boolean devAuth();

    Ris ris();

    Pacs pacs();

    Fhir fhir();

    Outbox outbox();

    Alerts alerts();

    Quality quality();

    Images images();

    /** The study image shown on the worklist (from the StudyEvents on cxr.studies.*). */
    interface Images {
        /** When false, study events are read but no image is kept. */
        @WithDefault("true")
        boolean enabled();

        /** How long an image is kept after its report was signed or rejected. */
        @WithDefault("7d")
        Duration retention();

        /** Any image older than this is deleted (studies that never got a report, or stay unsigned). */
        @WithDefault("30d")
        Duration maxAge();

        /** Larger PNGs are not kept. */
        @WithDefault("8388608")
        long maxBytes();
    }

    interface Quality {
        /** How often the cxr_quality_* Prometheus gauges are recomputed from the database. */
        @WithDefault("60s")
        Duration refresh();
    }

    interface Ris {
        /** When false no HL7 message is queued at all. */
        @WithDefault("true")
        boolean enabled();

        /** One or more RIS MLLP listeners; every ORU goes to each of them. */
        List<Endpoint> endpoints();

        @WithDefault("CXR_AI")
        String sendingApplication();

        @WithDefault("CXR_PLATFORM")
        String sendingFacility();

        @WithDefault("RIS")
        String receivingApplication();

        @WithDefault("HOSPITAL")
        String receivingFacility();

        /** How long to wait for the ACK before the attempt counts as failed. */
        @WithDefault("10s")
        Duration ackTimeout();
    }

    interface Endpoint {
        String host();

        int port();

        /** Name used in the outbox destination; defaults to host:port. */
        Optional<String> name();

        /**
         * MLLP over TLS with the Quarkus TLS configuration of this name ({@code quarkus.tls.<name>.trust-store.*}
         * for the RIS's certificate, {@code .key-store.*} for mutual TLS); unset: plain MLLP. The server
         * certificate and the host name are always verified.
         */
        Optional<String> tlsConfigurationName();

        default String destination() {
            return "RIS:" + name().orElse(host() + ":" + port());
        }
    }

    interface Pacs {
        /** When true every report change is also exported as a DICOM SR with C-STORE. */
        @WithDefault("false")
        boolean enabled();

        @WithDefault("127.0.0.1")
        String host();

        @WithDefault("4242")
        int port();

        @WithDefault("ORTHANC")
        String aeTitle();

        @WithDefault("CXR_AI")
        String callingAeTitle();

        /** COMPREHENSIVE (coded findings) or BASIC_TEXT. */
        @WithDefault("COMPREHENSIVE")
        SrKind srKind();

        /** DIMSE (C-STORE to host/port/ae-title) or STOW (STOW-RS to {@link #stowUrl()}). */
        @WithDefault("DIMSE")
        PacsProtocol protocol();

        /** DICOMweb base URL of the PACS (for example http://pacs:8042/dicom-web) when protocol is STOW. */
        Optional<URI> stowUrl();
    }

    enum SrKind {
        COMPREHENSIVE,
        BASIC_TEXT
    }

    enum PacsProtocol {
        DIMSE,
        STOW
    }

    Stow stow();

    /** A further SR destination over STOW-RS (outbox destination STOW), besides or instead of the PACS above. */
    interface Stow {
        /** DICOMweb base URL (POST {url}/studies); unset = no such destination. */
        Optional<URI> url();

        /** Authorization header value for every STOW-RS request (PACS protocol STOW and this destination), e.g. "Bearer …". */
        Optional<String> authorization();

        /** How long one STOW-RS request may take. */
        @WithDefault("30s")
        Duration timeout();
    }

    interface Fhir {
        /** When set, every report change is PUT to this FHIR R4 base URL as a transaction bundle. */
        Optional<URI> pushUrl();

        /**
         * Authenticate the push with an OAuth2 access token (client credentials grant from the
         * identity provider configured in {@code quarkus.oidc-client.*}), sent as a bearer token.
         */
        @WithDefault("false")
        boolean clientCredentials();
    }

    interface Outbox {
        /** How often the delivery worker looks for due messages. */
        @WithDefault("1s")
        Duration poll();

        /** Attempts before a message is parked (visible at GET /api/outbox?status=PARKED). */
        @WithDefault("10")
        int maxAttempts();

        /** Delay after the first failure; doubles after each further failure. */
        @WithDefault("2s")
        Duration initialBackoff();

        @WithDefault("5m")
        Duration maxBackoff();

        /** Messages looked at per poll. */
        @WithDefault("100")
        int batchSize();

        /** Delivered entries older than this are deleted (parked and pending ones never are). */
        @WithDefault("30d")
        Duration retention();
    }

    interface Alerts {
        /** Critical alerts are POSTed here as JSON; unset means worklist only. */
        Optional<URI> webhookUrl();

        @WithDefault("5s")
        Duration webhookTimeout();

        /** Shorter secrets are refused: an HMAC is no stronger than its key. */
        int MIN_SECRET_LENGTH = 32;

        /**
         * HMAC-SHA256 key for the {@code X-Cxr-Signature} header (at least {@link #MIN_SECRET_LENGTH}
         * characters); unset: no signature, allowed only for a loopback webhook URL (a receiver anywhere
         * else could not tell our alerts from forged ones, so the service refuses to start).
         */
        Optional<String> webhookSecret();
    }
}
