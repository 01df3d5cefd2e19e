package org.cxrplatform.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.devstack.KafkaBroker;
import org.cxrplatform.devstack.Postgres;
import org.cxrplatform.testsupport.ManagedProcess;
import org.cxrplatform.testsupport.Orthanc;
import org.cxrplatform.testsupport.RisPeer;
import org.cxrplatform.testsupport.ServiceProcess;
import org.cxrplatform.testsupport.TestTls;

/**
 * The whole platform on this machine, as a hospital runs it: the Kafka broker (its own JVM),
 * PostgreSQL (devstack's embedded server, a child process of this JVM), the three packaged
 * services as separate {@code java -jar quarkus-run.jar} processes on free ports, Orthanc as the
 * PACS and a HAPI MLLP listener as the RIS. Every process logs to {@code e2e/target/e2e-logs/<run>/}.
 * The services reach Kafka only on its TLS listener and PostgreSQL only over TLS
 * ({@code sslmode=verify-full}; the server accepts nothing else), with certificates keytool makes
 * for the run ({@link #tls()}).
 *
 * <pre>{@code
 * try (Platform p = Platform.start(Platform.Options.defaults("demo"))) {
 *     Dcmtk.storescu(p.options().callingAe(), p.aeTitle(), p.dicomPort(), files);
 *     // p.ris().accepted(), p.pacs().srInstancesByStudy(), p.api().fhirByAccession(...)
 * }
 * }</pre>
 *
 * <p>Not thread-safe for start/stop; the accessors are.
 */
public final class Platform implements RunningPlatform, AutoCloseable {

    /** The ingest AE title the services run with. */
    public static final String AE_TITLE = "CXR_AI";
    /** The PACS AE title. */
    public static final String PACS_AE = "E2E_PACS";

    /**
     * report-service's {@code cxr.report.ris.ack-timeout} here: a RIS on this host answers in milliseconds, and a
     * lost answer should not cost 10 s per retry. Also how long before a fault an ACK can still be outstanding.
     */
    public static final Duration RIS_ACK_TIMEOUT = Duration.ofSeconds(3);

    /**
     * @param name            run name: log and work folder
     * @param maxNewTokens    report length budget of the tiny model (short keeps CI quick)
     * @param callingAes      routers the SCP admits
     * @param pacs            start Orthanc and export DICOM SR to it
     * @param extra           more -D properties per service (ingest-service, inference-service, report-service)
     * @param brokers         Kafka nodes: 1, or a KRaft cluster (3: replication 3, min.insync.replicas 2)
     * @param reportReplicas  report-service instances sharing the database and its outbox (the chart runs 2)
     */
    public record Options(
            String name,
            int maxNewTokens,
            List<String> callingAes,
            boolean pacs,
            Map<String, Map<String, String>> extra,
            int brokers,
            int reportReplicas) {
        public static Options defaults(String name) {
            return new Options(name, 24, List.of("E2E_ROUTER", "ER_ROUTER", "BENCH"), true, Map.of(), 1, 1);
        }

        public String callingAe() {
            return callingAes.get(0);
        }

        public Options withMaxNewTokens(int n) {
            return new Options(name, n, callingAes, pacs, extra, brokers, reportReplicas);
        }

        public Options withPacs(boolean on) {
            return new Options(name, maxNewTokens, callingAes, on, extra, brokers, reportReplicas);
        }

        public Options withBrokers(int n) {
            return new Options(name, maxNewTokens, callingAes, pacs, extra, n, reportReplicas);
        }

        public Options withReportReplicas(int n) {
            return new Options(name, maxNewTokens, callingAes, pacs, extra, brokers, n);
        }

        public Options with(String service, String key, String value) {
            Map<String, Map<String, String>> copy = new LinkedHashMap<>();
            extra.forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
            copy.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(key, value);
            return new Options(name, maxNewTokens, callingAes, pacs, copy, brokers, reportReplicas);
        }
    }

    public static final String INGEST = "ingest-service";
    public static final String INFERENCE = "inference-service";
    public static final String REPORT = "report-service";
    public static final List<String> SERVICES = List.of(INGEST, INFERENCE, REPORT);
    public static final String DATABASE = "cxr_report";
    private static final java.util.concurrent.atomic.AtomicInteger RUNS =
            new java.util.concurrent.atomic.AtomicInteger();

    private final Options options;
    private final Path work;
    private final Path logs;
    private final int dicomPort = FreePorts.next();
    /** Each platform its own database, so runs in one JVM never see each other's rows. */
    private final String database = DATABASE + "_" + RUNS.incrementAndGet();

    private final List<KafkaProcess> brokers = new ArrayList<>();
    private Postgres postgres;
    private TestTls.Identity kafkaTls;
    private TestTls.Identity postgresTls;
    private RisPeer ris;
    private Orthanc pacs;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private ReportApi api;

    private Platform(Options options) {
        this.options = options;
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        this.work = RepoRoot.get().resolve("e2e/target/e2e-work/" + options.name() + "-" + stamp);
        this.logs = RepoRoot.logDir().resolve(options.name() + "-" + stamp);
        try {
            Files.createDirectories(work);
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when every service has been packaged ({@code <module>/target/quarkus-app/quarkus-run.jar}). */
    public static boolean packaged() {
        return SERVICES.stream().allMatch(s -> Files.isRegularFile(RepoRoot.quarkusJar(s)));
    }

    public static Platform start(Options options) {
        Platform p = new Platform(options);
        // A test JVM that is killed or aborted must not leave services, the broker or Orthanc behind.
        Runtime.getRuntime().addShutdownHook(new Thread(p::killAll, "e2e-platform-kill"));
        try {
            p.startAll();
            return p;
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    private void startAll() {
        long t0 = System.nanoTime();
        kafkaTls = TestTls.make(tls(), "kafka", TestTls.LOOPBACK);
        postgresTls = TestTls.make(tls(), "postgres", TestTls.LOOPBACK);
        CompletableFuture<Void> broker = CompletableFuture.runAsync(() -> {
            if (options.brokers() == 1) {
                brokers.add(KafkaProcess.create(work.resolve("kafka"), logs, kafkaTls));
            } else {
                brokers.addAll(KafkaProcess.cluster(work.resolve("kafka"), logs, options.brokers(), kafkaTls));
            }
            // The nodes of a cluster wait for each other (a controller quorum), so all start before any is awaited.
            brokers.forEach(ManagedProcess::start);
            brokers.forEach(b -> b.awaitReady(Duration.ofSeconds(180)));
            if (options.brokers() > 1) {
                KafkaBroker.createTopics(kafkaBootstrapServers(), Topics.ALL, 3, Math.min(3, options.brokers()));
            }
        });
        CompletableFuture<Void> db = CompletableFuture.runAsync(() -> {
            postgres = new Postgres(work.resolve("postgres"), 0)
                    .withTlsOnly(postgresTls.certPem(), postgresTls.keyPem())
                    .start();
            postgres.createDatabase(database);
        });
        CompletableFuture<Void> peers = CompletableFuture.runAsync(() -> {
            ris = new RisPeer(0).start();
            if (options.pacs()) {
                pacs = Orthanc.in(work.resolve("orthanc"), logs.resolve("orthanc.log"))
                        .aeTitle(PACS_AE)
                        .modality(AE_TITLE, dicomPort)
                        .start();
            }
        });
        CompletableFuture.allOf(broker, db, peers).join();
        for (String s : SERVICES) {
            services.put(s, newService(s, Map.of(), dicomPort, s));
        }
        for (int r = 2; r <= options.reportReplicas(); r++) {
            services.put(REPORT + "-" + r, newService(REPORT, Map.of(), dicomPort, REPORT + "-" + r));
        }
        services.values().forEach(ManagedProcess::start);
        for (ServiceProcess s : services.values()) {
            s.awaitReady(Duration.ofSeconds(240));
        }
        api = new ReportApi(services.get(REPORT));
        System.out.printf(
                "platform %s up in %d s: kafka %s, postgres %d, RIS %d, PACS %s, DICOM %s@127.0.0.1:%d, logs %s%n",
                options.name(),
                (System.nanoTime() - t0) / 1_000_000_000,
                kafkaBootstrapServers(),
                postgres.port(),
                ris.port(),
                pacs == null ? "off" : String.valueOf(pacs.dicomPort()),
                AE_TITLE,
                dicomPort,
                logs);
    }

    /**
     * Another instance of a service against this platform's broker and database, not started: its own
     * HTTP (and DICOM) port, data folder and log, with {@code extra} -D properties on top.
     */
    public ServiceProcess extraInstance(String name, String tag, Map<String, String> extra) {
        return newService(name, extra, FreePorts.next(), name + "-" + tag);
    }

    private ServiceProcess newService(String name, Map<String, String> extra, int dicomPort, String instance) {
        int http = FreePorts.next();
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", kafkaSslBootstrapServers());
        // the broker's certificate verified, host name included (the Kafka client's default https identification)
        props.put("kafka.security.protocol", "SSL");
        props.put("kafka.ssl.truststore.location", kafkaTls.trustStore().toString());
        props.put("kafka.ssl.truststore.type", "PKCS12");
        props.put("kafka.ssl.truststore.password", TestTls.PASSWORD);
        // Plain-text logs are easier to read in target/e2e-logs than %prod's JSON.
        props.put("quarkus.log.console.json.enabled", "false");
        List<String> jvm = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Djava.awt.headless=true"));
        switch (name) {
            case INGEST -> {
                jvm.add("-Xmx768m");
                jvm.add("-Djava.library.path=/usr/lib/x86_64-linux-gnu/jni");
                env.put("CXR_INGEST_DICOM_PORT", String.valueOf(dicomPort));
                env.put("CXR_INGEST_AE_TITLE", AE_TITLE);
                env.put("CXR_INGEST_DATA_DIR", work.resolve(instance).toString());
                env.put("CXR_INGEST_ALLOWED_CALLING_AES", String.join(",", options.callingAes()));
                props.put("cxr.ingest.bind-address", "127.0.0.1");
                props.put("cxr.ingest.lanes.stat-calling-aes", "ER_ROUTER");
                // One issuer for the platform, as with a hospital's identity provider: report-service's development key
                // (written at its start, read by ingest at the first token) and issuer (both services' default).
                props.put(
                        "mp.jwt.verify.publickey.location",
                        "file:" + work.resolve(REPORT).resolve("jwt").resolve("public-key.pem"));
            }
            case INFERENCE -> {
                jvm.add("-Xmx1g");
                props.put("cxr.generation.max-new-tokens", String.valueOf(options.maxNewTokens()));
            }
            case REPORT -> {
                jvm.add("-Xmx768m");
                props.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
                props.put("quarkus.datasource.username", Postgres.USER);
                props.put("quarkus.datasource.password", Postgres.PASSWORD);
                props.put("quarkus.datasource.jdbc.additional-jdbc-properties.sslmode", "verify-full");
                // a first TLS connection on a loaded CI machine can take longer than Agroal's 5 s default
                props.put("quarkus.datasource.jdbc.acquisition-timeout", "30s");
                props.put(
                        "quarkus.datasource.jdbc.additional-jdbc-properties.sslrootcert",
                        postgresTls.certPem().toString());
                props.put("cxr.report.data-dir", work.resolve(instance).toString());
                props.put("cxr.report.dev-auth", "true");
                props.put("cxr.report.ris.endpoints[0].host", "127.0.0.1");
                props.put("cxr.report.ris.endpoints[0].port", String.valueOf(ris.port()));
                props.put("cxr.report.outbox.poll", "1s");
                props.put("cxr.report.ris.ack-timeout", RIS_ACK_TIMEOUT.toSeconds() + "s");
                // Defaults park a message after 10 attempts (about 18 min with a 5 min ceiling); a shorter ceiling
                // re-delivers promptly after an outage, more attempts keep a 2 min outage from parking anything.
                props.put("cxr.report.outbox.initial-backoff", "1s");
                props.put("cxr.report.outbox.max-backoff", "10s");
                props.put("cxr.report.outbox.max-attempts", "100");
                props.put("cxr.report.pacs.enabled", String.valueOf(pacs != null));
                if (pacs != null) {
                    props.put("cxr.report.pacs.host", "127.0.0.1");
                    props.put("cxr.report.pacs.port", String.valueOf(pacs.dicomPort()));
                    props.put("cxr.report.pacs.ae-title", pacs.aeTitle());
                    props.put("cxr.report.pacs.calling-ae-title", AE_TITLE);
                }
            }
            default -> throw new IllegalArgumentException(name);
        }
        props.putAll(options.extra().getOrDefault(name, Map.of()));
        props.putAll(extra);
        // Quarkus' kafka.* merge lets the environment form win over a -D: keep both on the same broker address
        env.put("KAFKA_BOOTSTRAP_SERVERS", props.get("kafka.bootstrap.servers"));
        props.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        return ServiceProcess.quarkusApp(instance, snapshot(name), jvm, env, logs.resolve(instance + ".log"), http);
    }

    /**
     * The service's packaged app copied under this run's work folder, run from there: other builds on
     * the machine may repackage {@code target/quarkus-app} while the platform runs, which would swap
     * jars under a live JVM.
     */
    private synchronized Path snapshot(String module) {
        Path target = work.resolve("apps").resolve(module);
        Path jar = target.resolve("quarkus-run.jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path source = RepoRoot.quarkusJar(module).getParent();
        // Another build may be rewriting the app right now: copy until a copy is whole and the source did not change
        // meanwhile.
        for (int attempt = 1; ; attempt++) {
            try {
                long before = Files.getLastModifiedTime(source.resolve("quarkus-run.jar"))
                        .toMillis();
                deleteTree(target);
                try (var files = Files.walk(source)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Path to = target.resolve(source.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                long after = Files.getLastModifiedTime(source.resolve("quarkus-run.jar"))
                        .toMillis();
                if (before == after
                        && Files.isRegularFile(jar)
                        && Files.isDirectory(target.resolve("lib"))
                        && Files.isRegularFile(target.resolve("quarkus/quarkus-application.dat"))) {
                    return jar;
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                if (attempt >= 24) {
                    throw new IllegalStateException("cannot copy " + source + " (is it being rebuilt?)", e);
                }
            }
            if (attempt >= 24) {
                throw new IllegalStateException(
                        "no stable copy of " + source + " after " + attempt + " attempts (is it being rebuilt?)");
            }
            ServiceProcess.sleep(5000);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }

    public Options options() {
        return options;
    }

    public ServiceProcess ingest() {
        return services.get(INGEST);
    }

    public ServiceProcess inference() {
        return services.get(INFERENCE);
    }

    public ServiceProcess report() {
        return services.get(REPORT);
    }

    public ServiceProcess service(String name) {
        return services.get(name);
    }

    public Map<String, ServiceProcess> services() {
        return services;
    }

    /** The broker (the first node of a cluster). */
    public KafkaProcess kafka() {
        return brokers.get(0);
    }

    /** Every Kafka node, node 1 first. */
    public List<KafkaProcess> brokers() {
        return brokers;
    }

    /** The report-service replicas, the first ({@link #report()}) first. */
    public List<ServiceProcess> reportReplicas() {
        return services.entrySet().stream()
                .filter(e -> e.getKey().startsWith(REPORT))
                .map(Map.Entry::getValue)
                .toList();
    }

    public Postgres postgres() {
        return postgres;
    }

    /** This platform's database (on {@link #postgres()}). */
    public String database() {
        return database;
    }

    /** Where the run's certificates and keys are (keytool, made at start). */
    public Path tls() {
        return work.resolve("tls");
    }

    /** The certificate PostgreSQL presents (the services' {@code sslrootcert}). */
    public Path postgresCertificate() {
        return postgresTls.certPem();
    }

    @Override
    public RisPeer ris() {
        return ris;
    }

    @Override
    public Orthanc pacs() {
        return pacs;
    }

    @Override
    public ReportApi api() {
        return api;
    }

    @Override
    public int dicomPort() {
        return dicomPort;
    }

    @Override
    public String aeTitle() {
        return AE_TITLE;
    }

    @Override
    public String callingAe() {
        return options.callingAe();
    }

    @Override
    public String kafkaBootstrapServers() {
        return String.join(
                ",", brokers.stream().map(KafkaProcess::bootstrapServers).toList());
    }

    /** The brokers' TLS listeners: what the services use. */
    public String kafkaSslBootstrapServers() {
        return String.join(
                ",", brokers.stream().map(KafkaProcess::sslBootstrapServers).toList());
    }

    @Override
    public Path work() {
        return work;
    }

    public Path logs() {
        return logs;
    }

    /** kill -9 a service and start it again; returns once it is ready. */
    public void crash(String service, Duration down) {
        ServiceProcess s = services.get(service);
        s.kill9();
        ServiceProcess.sleep(down.toMillis());
        s.restart(Duration.ofSeconds(240));
    }

    /** Every service answers ready. */
    public boolean allReady() {
        return services.values().stream().allMatch(ServiceProcess::ready);
    }

    /** All records of every platform topic. */
    public List<TopicReader.Rec> topicRecords() {
        return TopicReader.readAll(kafkaBootstrapServers(), Topics.ALL);
    }

    private void killAll() {
        List<ManagedProcess> all = new ArrayList<>(services.values());
        all.add(pacs);
        all.addAll(brokers);
        for (ManagedProcess m : all) {
            if (m != null && m.alive()) {
                m.kill9();
            }
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Override
    public void close() {
        List<ManagedProcess> order = new ArrayList<>(services.values());
        java.util.Collections.reverse(order);
        for (ManagedProcess p : order) {
            try {
                p.stop(Duration.ofSeconds(20));
            } catch (RuntimeException e) {
                System.err.println("cannot stop " + p + ": " + e);
            }
        }
        if (pacs != null) {
            pacs.stop(Duration.ofSeconds(10));
        }
        if (ris != null) {
            try {
                ris.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("cannot stop the RIS: " + e);
            }
        }
        for (KafkaProcess b : brokers) {
            b.stop(Duration.ofSeconds(20));
        }
        deleteTree(work.resolve("apps"));
        if (postgres != null) {
            postgres.stop();
        }
    }
}
