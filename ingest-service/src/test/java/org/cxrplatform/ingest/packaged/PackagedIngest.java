package org.cxrplatform.ingest.packaged;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.Devstack;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.testsupport.ManagedProcess;
import org.cxrplatform.testsupport.ServiceProcess;

/**
 * The packaged ingest service ({@code target/quarkus-app}, built by this module's {@code package} phase) as a
 * separate process, as {@code ./cxr up} runs it, on the shared test Kafka broker and free ports.
 */
final class PackagedIngest {

    static final String AE = "CXR_INGEST";
    static final String ROUTER = "ROUTER";
    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private PackagedIngest() {}

    /** Not started. {@code settings}: extra {@code cxr.ingest.*} keys. */
    static ServiceProcess service(Path dataDir, int dicomPort, Map<String, String> settings) throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " missing: these tests run after the package phase");
        }
        Devstack.createTopics(Topics.ALL, 3);
        List<String> jvm = new ArrayList<>(List.of(
                "-Xmx512m",
                "-Djava.library.path=/usr/lib/x86_64-linux-gnu/jni",
                "-Dkafka.bootstrap.servers=" + Devstack.kafkaBootstrap(),
                "-Dcxr.ingest.ae-title=" + AE,
                "-Dcxr.ingest.bind-address=127.0.0.1",
                "-Dcxr.ingest.dicom-port=" + dicomPort,
                "-Dcxr.ingest.data-dir=" + dataDir,
                "-Dcxr.ingest.recovery-interval=2s"));
        settings.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        Files.createDirectories(dataDir);
        return ServiceProcess.quarkusApp(
                "ingest-service", JAR, jvm, Map.of(), dataDir.resolve("service.log"), FreePorts.next());
    }

    static Duration startTimeout() {
        return Duration.ofMinutes(3); // two JVMs and the decoder workers on a loaded 2-core machine
    }

    /**
     * Starts the service (configured with one decoder worker) and stops that worker with SIGSTOP: the next instance
     * needing a native decoder waits there, so a kill -9 lands mid-decode every time.
     */
    static ProcessHandle startWithStoppedWorker(ServiceProcess service) throws Exception {
        service.start();
        service.awaitReady(startTimeout());
        await().atMost(startTimeout()).until(() -> workers(service).size() == 1);
        ProcessHandle worker = workers(service).get(0);
        ManagedProcess.signal("STOP", worker.pid());
        return worker;
    }

    /**
     * Starts the service and stops its decoder worker with SIGSTOP as soon as the process exists, before it is ready:
     * decodes then wait for it, including those of the spool recovery at start-up (the service is not ready meanwhile:
     * its SCP answers, its readiness waits for the worker).
     */
    static ProcessHandle startAndStopWorkerBeforeReady(ServiceProcess service) throws Exception {
        service.start();
        await().atMost(startTimeout())
                .pollInterval(Duration.ofMillis(5))
                .until(() -> !workers(service).isEmpty());
        ProcessHandle worker = workers(service).get(0);
        ManagedProcess.signal("STOP", worker.pid());
        return worker;
    }

    /** kill -9 of the service, then its stopped worker continued: the worker must exit by itself. */
    static void killNineAndReleaseWorker(ServiceProcess service, ProcessHandle worker) throws Exception {
        service.kill9();
        ManagedProcess.signal("CONT", worker.pid());
        await("the orphaned worker exits by itself")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !worker.isAlive());
    }

    /** Files in a folder (0 when it is missing), without the {@code .tmp} of a counter being written. */
    static long files(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> !f.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    /** Committed instances in a spool folder (their sidecars not counted). */
    static long instances(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".dcm")).count();
        }
    }

    /** The decoder worker processes: the service's children. */
    static List<ProcessHandle> workers(ServiceProcess service) {
        return ProcessHandle.of(service.pid()).map(p -> p.children().toList()).orElse(List.of());
    }

    /** Resident set size of a process in KiB, -1 when gone. */
    static long rssKb(ProcessHandle p) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
