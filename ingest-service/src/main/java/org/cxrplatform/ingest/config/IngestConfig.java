package org.cxrplatform.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Every {@code cxr.ingest.*} setting of the ingest service, with its default and its meaning: the
 * one place both live. The environment variable of a key is the key upper-cased with dots and
 * dashes as underscores ({@code cxr.ingest.dicom-port} → {@code CXR_INGEST_DICOM_PORT}); lists are
 * comma-separated. SmallRye Config builds it (Quarkus at start-up, the tests from a map) and refuses
 * a value of the wrong type or outside an enum naming the key; {@link #validate()} refuses the
 * well-typed values the service cannot use, also by key. Components take their group directly.
 *
 * <p>A new group of settings is a nested interface with its keys and {@code check}, an accessor
 * here, and a line in {@link #validate()}.
 */
@ConfigMapping(prefix = "cxr.ingest")
public interface IngestConfig {

    /** The DICOM SCP: its keys sit directly under {@code cxr.ingest}. */
    @WithParentName
    Scp scp();

    /**
     * Spool ({@code DATA/spool/incoming}, {@code DATA/spool/quarantine}), backlog jobs
     * ({@code DATA/jobs}) and HL7 orders ({@code DATA/orders}).
     */
    @WithDefault("data/ingest")
    Path dataDir();

    /**
     * Longest wait for Kafka's acks=all acknowledgement of one record: with {@code acknowledge=KAFKA} the C-STORE is
     * then answered 0xA700 (the router retries); with {@code SPOOL} the instance stays in the spool for the recovery.
     */
    @WithDefault("10s")
    Duration deliveryTimeout();

    /**
     * When an instance (C-STORE, STOW-RS part) gets its success status. {@code SPOOL} (default): once the instance is
     * fsync'd in the spool and its header passed the checks that can refuse it (parse, UIDs, dimensions); rendering
     * and publishing follow in the background, and an instance the service dies with (kill -9, power loss) is
     * published from the spool at the next start. While {@code max-backlog} instances wait for rendering and Kafka,
     * a new one is held (its sender paced) up to {@link #backlogWait()}, then refused with 0xA700; it is refused at
     * once while Kafka (or the decoders) fail for an instance already accepted. The spool volume holds the only copy until publication: it must be persistent (the
     * chart's default). {@code KAFKA}: once Kafka acknowledged its StudyEvent or dead letter (acks=all); the response
     * waits for the decode, which costs a full-size JPEG 2000 instance about a second.
     */
    @WithDefault("SPOOL")
    Acknowledge acknowledge();

    /** The moments {@link #acknowledge()} can choose. */
    enum Acknowledge {
        KAFKA,
        SPOOL
    }

    /**
     * With {@code acknowledge=SPOOL} (default): accepted instances not yet published beyond which a new one waits for a
     * place ({@link #backlogWait()}). The spool then holds at most this many accepted instances, plus one received
     * instance per association waiting for its place.
     */
    @WithDefault("64")
    int maxBacklog();

    /**
     * With {@code acknowledge=SPOOL}: how long a new instance (its C-STORE response, its STOW-RS part) is held for a
     * place in a full backlog before it is refused with 0xA700; each instance published frees a place, so a burst
     * faster than publication is paced rather than refused. 8 s stays under the shortest DIMSE response time-out
     * common among senders, Orthanc's {@code DicomScuTimeout} (10 s by default; DCMTK and dcm4che wait without
     * limit by default, pynetdicom 30 s), so the sender reads a retryable 0xA700 rather than aborting the
     * association. While publication fails (Kafka, decoders) the refusal is immediate; 0 refuses at once when full.
     */
    @WithDefault("8s")
    Duration backlogWait();

    /** How often instances left in the spool (crash, Kafka outage) are re-processed. */
    @WithDefault("10s")
    Duration recoveryInterval();

    /**
     * Quarantined files (instances dead-lettered on {@code cxr.dlq}, kept for investigation; they
     * carry PHI) are deleted this long after they were quarantined. 30 days: the chart's retention of
     * {@code cxr.dlq}, so a dead letter's file lives as long as the record that points to it.
     */
    @WithDefault("30d")
    Duration quarantineRetention();

    /** How often quarantined files past {@link #quarantineRetention()} are looked for. */
    @WithDefault("1h")
    Duration quarantinePurgeInterval();

    /** Patient identity (name, ID, birth date, sex) in StudyEvents; off: reports match by accession number. */
    @WithDefault("false")
    boolean phiInEvents();

    Selection selection();

    Lanes lanes();

    Render render();

    Decoders decoders();

    /**
     * How many times an instance is tried again after the service died while processing it (kill -9,
     * a JVM crash); the next restart quarantines it and dead-letters it ({@code service-died}) instead,
     * so one instance cannot keep the service in a crash loop.
     */
    @WithDefault("1")
    int restartRetries();

    Stow stow();

    Jobs jobs();

    Backlog backlog();

    Orders orders();

    /**
     * Refuses the values that have the right type but cannot work, each problem naming its key;
     * the application calls it before anything starts.
     *
     * @throws IllegalArgumentException listing every problem
     */
    default void validate() {
        ConfigProblems problems = new ConfigProblems();
        scp().check(problems);
        problems.positive("cxr.ingest.delivery-timeout", deliveryTimeout());
        problems.positive("cxr.ingest.recovery-interval", recoveryInterval());
        problems.atLeast("cxr.ingest.max-backlog", maxBacklog(), 1);
        problems.require(!backlogWait().isNegative(), "cxr.ingest.backlog-wait", "must not be negative");
        problems.positive("cxr.ingest.quarantine-retention", quarantineRetention());
        problems.positive("cxr.ingest.quarantine-purge-interval", quarantinePurgeInterval());
        render().check(problems);
        decoders().check(problems);
        problems.atLeast("cxr.ingest.restart-retries", restartRetries(), 0);
        backlog().check(problems);
        orders().check(problems);
        problems.throwIfAny();
    }

    /** The C-STORE/C-ECHO SCP. */
    interface Scp {
        /** Our AE title; associations calling another title are rejected. */
        @WithDefault("CXR_AI")
        String aeTitle();

        /** TCP port of the SCP; 0 takes any free port. */
        @WithDefault("11112")
        int dicomPort();

        @WithDefault("0.0.0.0")
        String bindAddress();

        /** Calling AE titles admitted (others get A-ASSOCIATE-RJ); unset admits every caller, with a warning at start-up. */
        Optional<Set<@WithConverter(Values.Trimmed.class) String>> allowedCallingAes();

        /** Concurrent associations; more get a transient A-ASSOCIATE-RJ (local limit exceeded). */
        @WithDefault("32")
        int maxAssociations();

        /** A larger data set is refused with 0xA700 without being stored. */
        @WithDefault("536870912")
        long maxInstanceBytes();

        /** Socket read timeout: a silent peer never holds an association thread longer. */
        @WithDefault("60s")
        Duration idleTimeout();

        default void check(ConfigProblems problems) {
            problems.aeTitle("cxr.ingest.ae-title", aeTitle());
            problems.between("cxr.ingest.dicom-port", dicomPort(), 0, 65535);
            allowedCallingAes()
                    .ifPresent(aes -> aes.forEach(ae -> problems.aeTitle("cxr.ingest.allowed-calling-aes", ae)));
            problems.atLeast("cxr.ingest.max-associations", maxAssociations(), 1);
            problems.atLeast("cxr.ingest.max-instance-bytes", maxInstanceBytes(), 1);
            problems.positive("cxr.ingest.idle-timeout", idleTimeout());
        }
    }

    /** What goes to inference: frontal chest radiographs. Values are matched upper-case. */
    interface Selection {
        @WithDefault("CR,DX,DR")
        Set<@WithConverter(Values.UpperCase.class) String> modalities();

        /** Body Part Examined values, or words of protocol/study/series descriptions, naming the chest. */
        @WithDefault("CHEST,THORAX,LUNG,LUNGS,CXR")
        Set<@WithConverter(Values.UpperCase.class) String> chestTerms();

        /** View Position values taken as frontal. */
        @WithDefault("PA,AP")
        Set<@WithConverter(Values.UpperCase.class) String> frontalViews();

        /** View Position values (and description words) that mark a lateral or oblique view. */
        @WithDefault("LL,RL,LATERAL,LAT,LLD,RLD,LAO,RAO,LPO,RPO")
        Set<@WithConverter(Values.UpperCase.class) String> lateralViews();
    }

    /** Lanes: any match sends a study to STAT, else ROUTINE. */
    interface Lanes {
        /** Requested Procedure Priority values meaning emergency. */
        @WithDefault("STAT")
        Set<@WithConverter(Values.UpperCase.class) String> statPriorities();

        /** Matched (whole value or one word) against Current Patient Location, Institutional Department Name, Requesting Service. */
        @WithDefault("ED,ER,EMERGENCY,A&E")
        Set<@WithConverter(Values.UpperCase.class) String> statLocations();

        /** Calling AE titles of emergency routers and modalities. */
        Optional<Set<@WithConverter(Values.Trimmed.class) String>> statCallingAes();
    }

    /** Rendering to the model's 8-bit PNG, and the limits that guard it. */
    interface Render {
        /**
         * The model's image size (CXR-LLaVA v2's {@code image_size}): an image whose shortest edge is longer is resized
         * so that edge has this length, with Pillow's LANCZOS as the reference's preprocessing does first, from the
         * full-resolution 8-bit rendering; the inference service's own resize is then the identity.
         */
        @WithDefault("512")
        int modelEdge();

        /** Longest PNG edge after the model resize (very elongated images); beyond it, area-averaged down. */
        @WithDefault("1024")
        int maxEdge();

        /** Largest Rows x Columns; above it (or max-dimension, max-frame-bytes) the instance is refused with 0xA700 before decoding. */
        @WithDefault("50000000")
        long maxPixels();

        /** Largest Rows or Columns. */
        @WithDefault("16384")
        int maxDimension();

        /** Largest decoded first frame (guards decompression bombs in the GDCM fallback). */
        @WithDefault("209715200")
        long maxFrameBytes();

        /** Decodes at once, whatever the number of associations: bounds memory. */
        @WithDefault("2")
        int maxConcurrentDecodes();

        /** Larger inline PNGs (base64) are made again from the same pixels, area-averaged to 512 px, to keep Kafka records small. */
        @WithDefault("900000")
        int maxInlineBytes();

        /** GDCM's JNI library, loaded by the decoder workers when {@code System.loadLibrary("gdcmjni")} fails. */
        @WithDefault("/usr/lib/x86_64-linux-gnu/jni/libgdcmjni.so")
        Path gdcmLibrary();

        /** GDCM's command-line converter, the workers' decoder when the JNI library is missing. */
        @WithDefault("gdcmconv")
        String gdcmconv();

        default void check(ConfigProblems problems) {
            problems.atLeast("cxr.ingest.render.model-edge", modelEdge(), 64);
            problems.atLeast("cxr.ingest.render.max-edge", maxEdge(), 64);
            problems.atLeast("cxr.ingest.render.max-pixels", maxPixels(), 1);
            problems.atLeast("cxr.ingest.render.max-dimension", maxDimension(), 1);
            problems.atLeast("cxr.ingest.render.max-frame-bytes", maxFrameBytes(), 1);
            problems.atLeast("cxr.ingest.render.max-concurrent-decodes", maxConcurrentDecodes(), 1);
            problems.atLeast("cxr.ingest.render.max-inline-bytes", maxInlineBytes(), 1);
        }
    }

    /**
     * Native decoding (GDCM and the codecs under it) runs in worker processes, never in the service's JVM: a worker
     * that crashes, hangs or runs out of memory costs the one instance it was decoding (dead-lettered with
     * {@code decoder-crashed} or {@code decoder-timeout}) and is replaced.
     */
    interface Decoders {
        /** Worker processes (small JVMs kept across instances), each decoding one instance at a time. */
        @WithDefault("2")
        int workers();

        /** Time limit per instance; a worker that overruns it is killed (SIGKILL). */
        @WithDefault("30s")
        Duration timeout();

        /** Address-space limit of a worker in MiB ({@code prlimit --as}); its Java heap gets a quarter of it. */
        @WithDefault("1024")
        int memoryLimitMb();

        /** Longest wait for a new worker to announce itself (a JVM start on a loaded machine). */
        @WithDefault("60s")
        Duration startTimeout();

        default void check(ConfigProblems problems) {
            problems.atLeast("cxr.ingest.decoders.workers", workers(), 1);
            problems.positive("cxr.ingest.decoders.timeout", timeout());
            problems.atLeast("cxr.ingest.decoders.memory-limit-mb", memoryLimitMb(), 256);
            problems.positive("cxr.ingest.decoders.start-timeout", startTimeout());
        }
    }

    /** Who may STOW: tokens are verified by SmallRye JWT with the same {@code mp.jwt.verify.*} settings as report-service. */
    interface Stow {
        /** Roles (the token's {@code groups} claim), any one of which admits a caller. */
        @WithDefault("stow")
        Set<String> roles();

        /** True: callers without a token are admitted too (local runs only; warned at start-up). */
        @WithDefault("false")
        boolean devAuth();
    }

    /**
     * Who may start and read backlog jobs ({@code /jobs}): each job makes this node pull studies from the
     * PACS, so an administrator's token, verified like STOW-RS's ({@code mp.jwt.verify.*}).
     */
    interface Jobs {
        /** Roles (the token's {@code groups} claim), any one of which admits a caller; report-service's administrator role. */
        @WithDefault("admin")
        Set<String> roles();

        /** True: callers without a token are admitted too (local runs only; warned at start-up). */
        @WithDefault("false")
        boolean devAuth();
    }

    /** Backlog pull jobs ({@code POST /jobs}) and HL7-order retrieval: the PACS studies are pulled from. */
    interface Backlog {
        enum Protocol {
            /** C-FIND and C-MOVE to {@code pacs-host}. */
            DIMSE,
            /** QIDO-RS and WADO-RS to {@code dicomweb-url}. */
            DICOMWEB
        }

        @WithDefault("DIMSE")
        Protocol protocol();

        /** The DIMSE PACS; jobs are refused (503) while unset. */
        Optional<String> pacsHost();

        @WithDefault("104")
        int pacsPort();

        @WithDefault("PACS")
        String pacsAeTitle();

        /** Instances per second moved into the routine lane. */
        @WithDefault("5")
        double ratePerSecond();

        /** DICOMweb root of the PACS, e.g. {@code http://pacs:8042/dicom-web}; required with protocol DICOMWEB. */
        Optional<String> dicomwebUrl();

        /** Authorization header value sent to the DICOMweb PACS. */
        Optional<String> dicomwebAuthorization();

        default void check(ConfigProblems problems) {
            problems.between("cxr.ingest.backlog.pacs-port", pacsPort(), 1, 65535);
            problems.aeTitle("cxr.ingest.backlog.pacs-ae-title", pacsAeTitle());
            problems.require(
                    ratePerSecond() > 0, "cxr.ingest.backlog.rate-per-second", "must be > 0, was " + ratePerSecond());
            if (protocol() == Protocol.DICOMWEB) {
                problems.require(
                        dicomwebUrl().isPresent(),
                        "cxr.ingest.backlog.dicomweb-url",
                        "is required with cxr.ingest.backlog.protocol=DICOMWEB");
            }
            dicomwebUrl()
                    .ifPresent(url -> problems.require(
                            url.startsWith("http://") || url.startsWith("https://"),
                            "cxr.ingest.backlog.dicomweb-url",
                            "must be an http:// or https:// URL, was " + url));
        }
    }

    /**
     * HL7 orders in (MLLP, ORM^O01 / OMI^O23): completed chest radiograph orders pull their study
     * from the backlog PACS. Values are matched upper-case.
     */
    interface Orders {
        /** Port of the MLLP listener; unset: no listener. */
        Optional<Integer> mllpPort();

        /** OBR-4 (code or text) must name the chest and a radiograph, or be one of the procedure codes. */
        @WithDefault("CHEST,THORAX,LUNG,LUNGS,CXR")
        Set<@WithConverter(Values.UpperCase.class) String> chestTerms();

        @WithDefault("XR,CXR,X-RAY,XRAY,RADIOGRAPH,RADIOGRAPHY,DX,CR,PA,AP")
        Set<@WithConverter(Values.UpperCase.class) String> radiographTerms();

        /** OBR-4 codes that are chest radiographs on their own (LOINC). */
        @WithDefault("36643-5,30745-4,24648-8,36554-4,42272-5")
        Set<@WithConverter(Values.UpperCase.class) String> procedureCodes();

        /** ORC-5 order statuses that complete an order (the retrieval trigger). */
        @WithDefault("CM")
        Set<@WithConverter(Values.UpperCase.class) String> completeStatuses();

        /** ORC-7.6 / OBR-27.6 / OBR-5 / TQ1-9 priorities that put the order on the STAT lane. */
        @WithDefault("S,STAT")
        Set<@WithConverter(Values.UpperCase.class) String> statPriorities();

        /** PV1-2 patient classes that put the order on the STAT lane. */
        @WithDefault("E")
        Set<@WithConverter(Values.UpperCase.class) String> statPatientClasses();

        /** C-FIND/C-MOVE attempts for a completed order whose study is not on the PACS yet. */
        @WithDefault("5")
        int retrieveAttempts();

        /** The wait between those attempts. */
        @WithDefault("30s")
        Duration retryDelay();

        /**
         * How long an accession number that arrived by push is remembered ({@code DATA/orders/pushed-accessions.log},
         * kept across restarts) so that completing its order does not pull the study again.
         */
        @WithDefault("30d")
        Duration pushedRetention();

        Tls tls();

        default void check(ConfigProblems problems) {
            mllpPort().ifPresent(port -> problems.between("cxr.ingest.orders.mllp-port", port, 1, 65535));
            problems.atLeast("cxr.ingest.orders.retrieve-attempts", retrieveAttempts(), 1);
            problems.require(!retryDelay().isNegative(), "cxr.ingest.orders.retry-delay", "must not be negative");
            problems.positive("cxr.ingest.orders.pushed-retention", pushedRetention());
            if (tls().enabled()) {
                problems.require(
                        tls().keyStore().isPresent(),
                        "cxr.ingest.orders.tls.key-store",
                        "is required with cxr.ingest.orders.tls.enabled=true");
            }
        }

        /**
         * MLLP over TLS on the order port; off for local runs. When on, plaintext connections are
         * closed without an answer (logged as "Unsupported or unrecognized SSL message").
         */
        interface Tls {
            @WithDefault("false")
            boolean enabled();

            /** PKCS12 or JKS file with the listener's certificate and private key. */
            Optional<Path> keyStore();

            /** Its password, also the key's. */
            Optional<String> keyStorePassword();

            /** Certificates/CAs whose client certificates are accepted; unset: the JDK's default trust (cacerts). */
            Optional<Path> trustStore();

            Optional<String> trustStorePassword();

            /** Mutual TLS: refuse clients without a certificate the trust store trusts. */
            @WithDefault("false")
            boolean requireClientCert();
        }
    }
}
