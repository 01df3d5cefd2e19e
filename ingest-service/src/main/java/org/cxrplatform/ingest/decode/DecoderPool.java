package org.cxrplatform.ingest.decode;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.render.NativeDecoder;
import org.cxrplatform.ingest.render.RenderException;
import org.jboss.logging.Logger;

/**
 * The service's native decoder: {@code cxr.ingest.decoders.workers} worker processes, each a small
 * JVM kept across instances, with an address-space limit ({@code prlimit --as}), a heap limit and a
 * time limit per instance. The decoded frame travels through a file in {@code DATA/decoders}. A
 * worker that dies or overruns the limit costs its instance ({@code decoder-crashed},
 * {@code decoder-timeout}) and is replaced in the background; decodes meanwhile use the others.
 *
 * <p>Metrics: {@code cxr_ingest_decoder_restarts_total{cause=crashed|timeout|start-failed}},
 * {@code cxr_ingest_decoder_workers_live}. Ready ({@link #ready()}) while at least one worker runs
 * and no replacement is failing to start.
 *
 * <p>Thread-safe.
 */
public final class DecoderPool implements NativeDecoder, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DecoderPool.class);

    private final IngestConfig.Decoders settings;
    private final long maxFrameBytes;
    private final Path workDir;
    private final List<String> command;
    private final MeterRegistry metrics;
    private final BlockingQueue<DecoderProcess> idle = new LinkedBlockingQueue<>();
    private final List<DecoderProcess> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "decoder-starter");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sequence = new AtomicLong();
    private volatile String startFailure;
    private volatile boolean closed;

    public DecoderPool(
            IngestConfig.Decoders settings, IngestConfig.Render render, Path workDir, MeterRegistry metrics) {
        this.settings = settings;
        this.maxFrameBytes = render.maxFrameBytes();
        this.workDir = workDir;
        this.metrics = metrics;
        this.command = command(settings, render, workDir);
        metrics.gauge(
                "cxr.ingest.decoder.workers.live",
                all,
                l -> l.stream().filter(DecoderProcess::isAlive).count());
    }

    /** Empties the work folder (frames and crash reports of a previous run) and starts the workers in the background. */
    public DecoderPool start() {
        try {
            Files.createDirectories(workDir);
            try (Stream<Path> old = Files.list(workDir)) {
                for (Path f : (Iterable<Path>) old::iterator) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the decoder work folder " + workDir, e);
        }
        LOG.infof(
                "starting %d decoder workers: %s",
                settings.workers(), String.join(" ", command).replaceFirst(" -cp \\S+", " -cp …"));
        for (int i = 0; i < settings.workers(); i++) {
            starter.execute(this::startOne);
        }
        return this;
    }

    @Override
    public Frame decodeFirstFrame(Path file) throws RenderException, InterruptedException {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (true) {
            DecoderProcess worker = idle.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (worker == null) {
                String why = startFailure;
                throw new RenderException(
                        UNAVAILABLE,
                        "no decoder worker free within " + settings.timeout().toMillis() + " ms"
                                + (why == null ? "" : "; last start failure: " + why));
            }
            if (!worker.isAlive()) { // died while idle (killed from outside): not this instance's doing
                replace(worker, "crashed");
                continue;
            }
            Path out = workDir.resolve("frame-" + worker.pid() + "-" + sequence.incrementAndGet() + ".raw");
            try {
                Frame frame = worker.decode(file, out, maxFrameBytes, settings.timeout());
                idle.add(worker);
                return frame;
            } catch (RenderException e) {
                switch (e.code()) {
                    case "decoder-crashed" -> replace(worker, "crashed");
                    case "decoder-timeout" -> replace(worker, "timeout");
                    default -> idle.add(worker); // the worker answered: the instance is bad, the worker fine
                }
                throw e;
            } catch (InterruptedException | RuntimeException e) {
                replace(worker, "crashed"); // its answer may still come: never lend it again
                throw e;
            }
        }
    }

    /** Ready: at least one worker runs and the last start did not fail. */
    public boolean ready() {
        return startFailure == null && all.stream().anyMatch(DecoderProcess::isAlive);
    }

    public long live() {
        return all.stream().filter(DecoderProcess::isAlive).count();
    }

    /** Why the last start of a worker failed, or null. */
    public String startFailure() {
        return startFailure;
    }

    /** Process ids of the running workers. */
    public List<Long> pids() {
        return all.stream()
                .filter(DecoderProcess::isAlive)
                .map(DecoderProcess::pid)
                .toList();
    }

    private void replace(DecoderProcess dead, String cause) {
        dead.kill();
        all.remove(dead);
        metrics.counter("cxr.ingest.decoder.restarts", "cause", cause).increment();
        if (!closed) {
            starter.execute(this::startOne);
        }
    }

    private void startOne() {
        while (!closed) {
            try {
                DecoderProcess worker = DecoderProcess.start(command, workDir, settings.startTimeout());
                all.add(worker);
                idle.add(worker);
                startFailure = null;
                LOG.infof("decoder worker pid %d ready (%s)", worker.pid(), worker.via());
                return;
            } catch (IOException e) {
                startFailure = e.getMessage();
                metrics.counter("cxr.ingest.decoder.restarts", "cause", "start-failed")
                        .increment();
                LOG.errorf("decoder worker failed to start: %s; retrying in 5 s", e.getMessage());
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        starter.shutdownNow();
        all.forEach(DecoderProcess::kill);
        all.clear();
        idle.clear();
    }

    /**
     * The worker's command line: this JVM's {@code java} on this application's class path (under the packaged
     * application's launcher jar, its {@code app/} and {@code lib/} folders), under {@code prlimit} when present.
     */
    private static List<String> command(IngestConfig.Decoders settings, IngestConfig.Render render, Path workDir) {
        List<String> cmd = new ArrayList<>();
        long limit = settings.memoryLimitMb() * 1024L * 1024L;
        Path prlimit = Path.of("/usr/bin/prlimit");
        if (Files.isExecutable(prlimit)) {
            cmd.addAll(List.of(prlimit.toString(), "--as=" + limit, "--core=0", "--"));
        } else {
            LOG.warn("prlimit not found: decoder workers run with a heap limit only");
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(
                "-Xmx" + settings.memoryLimitMb() / 4 + "m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:ReservedCodeCacheSize=32m",
                "-XX:CompressedClassSpaceSize=64m",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + workDir.toAbsolutePath().resolve("hs_err_%p.log"),
                "-Djava.awt.headless=true",
                "-Djava.library.path=" + System.getProperty("java.library.path", "") + File.pathSeparator
                        + render.gdcmLibrary().toAbsolutePath().getParent(),
                "-cp",
                classPath(),
                DecoderWorkerMain.class.getName(),
                render.gdcmLibrary().toString(),
                render.gdcmconv(),
                Long.toString(ProcessHandle.current().pid())));
        return cmd;
    }

    private static String classPath() {
        String cp = System.getProperty("java.class.path", "");
        if (cp.endsWith(
                "quarkus-run.jar")) { // the packaged application: its classes and libraries sit beside the launcher
            Path app = Path.of(cp).toAbsolutePath().getParent();
            return String.join(
                    File.pathSeparator,
                    app.resolve("app").resolve("*").toString(),
                    app.resolve("lib").resolve("main").resolve("*").toString(),
                    app.resolve("lib").resolve("boot").resolve("*").toString());
        }
        // absolute: the workers run in the work folder
        return java.util.Arrays.stream(cp.split(File.pathSeparator))
                .filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(File.pathSeparator));
    }
}
