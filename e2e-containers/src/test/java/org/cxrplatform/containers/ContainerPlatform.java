package org.cxrplatform.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.e2e.harness.ReportApi;
import org.cxrplatform.e2e.harness.RunningPlatform;
import org.cxrplatform.testsupport.Orthanc;
import org.cxrplatform.testsupport.RisPeer;
import org.cxrplatform.testsupport.TestTokens;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The platform as deployed, from its images: Kafka and PostgreSQL containers (the cluster's external
 * services), the chart's topic Job, then every workload of the rendered chart as a container with the
 * settings the chart gives it ({@link Workload}); the RIS (a real MLLP listener) and the PACS (Orthanc)
 * run on this machine and the containers reach them through the network's gateway, as pods reach a
 * hospital's systems. Tokens for report-service come from the test's own issuer, whose public key the
 * chart mounts ({@code auth.jwt.publicKeyPem}).
 *
 * <p>Not thread-safe for start/stop.
 */
final class ContainerPlatform implements RunningPlatform, AutoCloseable {

    static final String AE_TITLE = "CXR_AI";
    static final String PACS_AE = "E2E_PACS";
    static final String ISSUER = "cxr-e2e-containers";
    static final String TAG = System.getProperty("cxr.image.tag", "0.1.0-SNAPSHOT");

    /** Per run: the devstack samples keep their UIDs, so a PACS left from an earlier run would hold their SRs. */
    private final String run =
            java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));

    private final Path work = Path.of("target", "containers-work", run).toAbsolutePath();
    private final Path logs = Path.of("target", "container-logs", run).toAbsolutePath();
    private final int kafkaHostPort = FreePorts.next();
    private final TestTokens tokens = TestTokens.withNewKey(ISSUER);
    private final List<GenericContainer<?>> started = new ArrayList<>();
    private final Map<String, GenericContainer<?>> services = new LinkedHashMap<>();
    private final Map<String, Workload> workloads = new LinkedHashMap<>();
    private final Map<String, Long> startMillis = new LinkedHashMap<>();
    private Network network;
    private RisPeer ris;
    private Orthanc pacs;
    private ReportApi api;

    static String image(String name) {
        return "localhost/cxr-platform/" + name + ":" + TAG;
    }

    static ContainerPlatform start() {
        ContainerPlatform p = new ContainerPlatform();
        Runtime.getRuntime().addShutdownHook(new Thread(p::close, "containers-stop"));
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
        try {
            Files.createDirectories(work);
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean podman = ContainerEngine.ensureRunning();
        network = Network.newNetwork();
        String hostAddress = gateway();

        ris = new RisPeer(0).start();
        pacs = Orthanc.in(work.resolve("orthanc"), logs.resolve("orthanc.log"))
                .aeTitle(PACS_AE)
                .modality(AE_TITLE, 11112)
                .start();

        // Containers reach Kafka as kafka:9092, this machine (the checks) as 127.0.0.1:<kafkaHostPort>.
        GenericContainer<?> kafka = infrastructure(
                "kafka",
                new GenericContainer<>(DockerImageName.parse(image("kafka")))
                        .withNetworkAliases("kafka")
                        .withEnv(
                                "KAFKA_CFG_LISTENERS", "PLAINTEXT://:9092,EXTERNAL://:9094,CONTROLLER://localhost:9093")
                        .withEnv(
                                "KAFKA_CFG_ADVERTISED_LISTENERS",
                                "PLAINTEXT://kafka:9092,EXTERNAL://127.0.0.1:" + kafkaHostPort)
                        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                                .withPortBindings(com.github.dockerjava.api.model.PortBinding.parse(
                                        "127.0.0.1:" + kafkaHostPort + ":9094")))
                        .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1)
                                .withStartupTimeout(Duration.ofMinutes(5))));
        RenderedChart chart =
                RenderedChart.render(Path.of("src/test/resources/containers-values.yaml"), siteValues(hostAddress));
        GenericContainer<?> postgres = infrastructure(
                "postgres",
                new GenericContainer<>(DockerImageName.parse(image("postgresql")))
                        .withNetworkAliases("postgres")
                        .withEnv("POSTGRES_USER", "cxr")
                        .withEnv("POSTGRES_PASSWORD", "e2e-containers-not-secret")
                        .withEnv("POSTGRES_DB", "cxr_reports")
                        .waitingFor(Wait.forLogMessage(".*ready to accept connections.*", 1)
                                .withStartupTimeout(Duration.ofMinutes(2))));
        run("kafka", kafka);
        run("postgres", postgres);

        // The chart's topic Job, as rendered, on the Kafka image: creates the five topics.
        Workload topics = chart.topicsJob();
        run(topics.owner(), WorkloadContainer.create(topics, network, podman, work, logs.resolve("topics-job.log")));

        // One after another: on two cores, starting the JVMs together only makes each slower.
        for (Workload w : chart.services()) {
            workloads.put(w.owner(), w);
            GenericContainer<?> c =
                    WorkloadContainer.create(w, network, podman, work, logs.resolve(w.owner() + ".log"));
            services.put(w.owner(), c);
            System.out.printf("%s: %s%n", w.owner(), String.join(", ", w.describe()));
            run(w.owner(), c);
        }
        api = new ReportApi(
                "http://127.0.0.1:" + service("-report").getMappedPort(8080),
                (user, roles) -> tokens.token(user, roles.toArray(String[]::new)));
        System.out.printf(
                "platform as containers up in %d s (engine: %s; start-up per container in ms: %s); logs in %s%n",
                (System.nanoTime() - t0) / 1_000_000_000, podman ? "podman" : "docker", startMillis, logs);
    }

    /** Values only known now: image tag, the RIS and PACS on this machine, the token issuer's key. */
    private Map<String, Object> siteValues(String hostAddress) {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("image.tag", TAG);
        set.put("topics.image.tag", TAG);
        set.put("report.ris.endpoints[0].host", hostAddress);
        set.put("report.ris.endpoints[0].port", ris.port());
        set.put("report.pacs.host", hostAddress);
        set.put("report.pacs.port", pacs.dicomPort());
        set.put("auth.jwt.publicKeyPem", tokens.publicKeyPem());
        return set;
    }

    /** The network's gateway: this machine as the containers see it. */
    private String gateway() {
        var inspect = DockerClientFactory.instance()
                .client()
                .inspectNetworkCmd()
                .withNetworkId(network.getId())
                .exec();
        return inspect.getIpam().getConfig().get(0).getGateway();
    }

    private GenericContainer<?> infrastructure(String name, GenericContainer<?> c) {
        return c.withNetwork(network)
                .withLogConsumer(frame -> WorkloadContainer.append(logs.resolve(name + ".log"), frame));
    }

    /**
     * Starts a container and waits for its startup probe (or, for a Job, its completion). A container
     * that exits during start-up is started again, up to twice, as the kubelet restarts a pod's
     * container (restartPolicy Always); each restart is printed.
     */
    private void run(String name, GenericContainer<?> c) {
        long t = System.nanoTime();
        started.add(c);
        for (int attempt = 1; ; attempt++) {
            try {
                c.start();
                break;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw new IllegalStateException(
                            name + " did not start in " + attempt + " attempts; see " + logs.resolve(name + ".log"), e);
                }
                System.out.printf("%s: start-up failed (%s), restarting it%n", name, rootCause(e));
                c.stop();
            }
        }
        long ms = (System.nanoTime() - t) / 1_000_000;
        startMillis.put(name, ms);
        System.out.printf("%s: started in %d ms%n", name, ms);
    }

    private static String rootCause(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.toString();
    }

    /** The workload whose owner name ends with {@code suffix} (e.g. "-ingest", "-inference-stat"). */
    GenericContainer<?> service(String suffix) {
        return services.entrySet().stream()
                .filter(e -> e.getKey().endsWith(suffix))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no workload *" + suffix + " in " + services.keySet()));
    }

    Map<String, GenericContainer<?>> services() {
        return services;
    }

    Map<String, Workload> workloads() {
        return workloads;
    }

    Map<String, Long> startMillis() {
        return startMillis;
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
        return service("-ingest").getMappedPort(11112);
    }

    @Override
    public String aeTitle() {
        return AE_TITLE;
    }

    @Override
    public String callingAe() {
        return "E2E_ROUTER";
    }

    @Override
    public String kafkaBootstrapServers() {
        return "127.0.0.1:" + kafkaHostPort;
    }

    @Override
    public Path work() {
        return work;
    }

    @Override
    public synchronized void close() {
        List<GenericContainer<?>> order = new ArrayList<>(started);
        java.util.Collections.reverse(order);
        for (GenericContainer<?> c : order) {
            try {
                c.stop();
            } catch (RuntimeException e) {
                System.err.println("cannot stop " + c.getDockerImageName() + ": " + e);
            }
        }
        started.clear();
        if (network != null) {
            try {
                network.close();
            } catch (RuntimeException e) {
                System.err.println("cannot remove the network: " + e);
            }
            network = null;
        }
        if (pacs != null) {
            pacs.close();
            pacs = null;
        }
        if (ris != null) {
            try {
                ris.close();
            } catch (IOException e) {
                System.err.println("cannot stop the RIS: " + e);
            }
            ris = null;
        }
        ContainerEngine.stop();
    }
}
