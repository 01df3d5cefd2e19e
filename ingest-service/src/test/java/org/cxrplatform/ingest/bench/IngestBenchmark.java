package org.cxrplatform.ingest.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.devstack.samples.SampleTranscoder;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.support.Commands;
import org.cxrplatform.ingest.support.TestNodes;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Orthanc;

/**
 * Instances per second received with DCMTK's storescu: this service (every instance parsed, selected, frontal
 * chests rendered and published) against Orthanc's own C-STORE SCP (stores to disk and indexes in SQLite), on the
 * same machine and the same files, alternating round by round (the machine is shared: the load average is printed
 * with every round). Three sets: the 512x600 samples (one and four associations), and full-size 2500x2048 16-bit
 * MONOCHROME1 CR chests (about 10 MB each), uncompressed and JPEG 2000 lossless (one association). Every round
 * sends fresh Study and SOP Instance UIDs to both (Orthanc would otherwise skip instances it already holds).
 * Checks on ours per round: every frontal chest published (the accepted counter; decodes per chest printed). Writes the numbers into
 * BENCHMARKS.md (its own section).
 *
 * <pre>
 * mvn -B -q -pl ingest-service -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * cd ingest-service
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *     org.cxrplatform.ingest.bench.IngestBenchmark [SMALL_SEEDS [FULL_SIZE_INSTANCES]]
 * </pre>
 *
 * {@code -Dbench.settings=key=value,...} adds {@code cxr.ingest.*} settings to ours; {@code -Dbench.sets=small,full-size}
 * runs only those sets (all three by default); {@code -Dbench.rounds=N} (3).
 */
public final class IngestBenchmark {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    /** Distinct full-size images (rendering and J2K-encoding 60 would take minutes); copies get their own UIDs. */
    private static final int DISTINCT_FULL_SIZE = 6;

    private IngestBenchmark() {}

    private record ImageSet(
            String name, String description, List<Path> files, int frontal, String proposal, int[] parallel) {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1); // the in-process broker's threads are not daemons: a failure must end the JVM too
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int fullSize = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path tmp = Files.createTempDirectory("ingest-bench-");
        List<ImageSet> sets = new ArrayList<>();
        List<Path> small = new ArrayList<>();
        List<Path> warmUp = new ArrayList<>();
        int smallFrontal = 0;
        int warmUpFrontal = 0;
        for (int i = 0; i < seeds; i++) {
            for (SampleStudies.Sample s : SampleStudies.write(tmp.resolve("s" + i), 100_000 + i)) {
                small.add(s.file());
                smallFrontal += s.frontalChest() ? 1 : 0;
            }
        }
        for (SampleStudies.Sample s : SampleStudies.write(tmp.resolve("warm-up"), 99_999)) {
            warmUp.add(s.file());
            warmUpFrontal += s.frontalChest() ? 1 : 0;
        }
        sets.add(new ImageSet(
                "small",
                "512x600 16-bit samples, explicit VR LE, two thirds frontal chests",
                small,
                smallFrontal,
                "-xe",
                new int[] {1, 4}));
        List<String> only = List.of(System.getProperty("bench.sets", "small,full-size,full-size-j2k")
                .split(","));
        List<Path> distinct = new ArrayList<>();
        for (int i = 0; i < DISTINCT_FULL_SIZE && (only.contains("full-size") || only.contains("full-size-j2k")); i++) {
            distinct.add(SampleStudies.writeFullSizeChest(tmp.resolve("full"), 200_000 + i, 2500, 2048)
                    .file());
        }
        if (only.contains("full-size")) {
            sets.add(new ImageSet(
                    "full-size",
                    "2500x2048 16-bit MONOCHROME1 CR, explicit VR LE",
                    copies(distinct, fullSize, tmp.resolve("full-set")),
                    fullSize,
                    "-xe",
                    new int[] {1}));
        }
        if (only.contains("full-size-j2k")) {
            List<Path> j2k = distinct.stream()
                    .map(f -> SampleTranscoder.transcode(f, SampleTranscoder.Syntax.JPEG2000, tmp.resolve("full-j2k")))
                    .toList();
            sets.add(new ImageSet(
                    "full-size-j2k",
                    "2500x2048 16-bit MONOCHROME1 CR, JPEG 2000 lossless",
                    copies(j2k, fullSize, tmp.resolve("full-j2k-set")),
                    fullSize,
                    "-xv",
                    new int[] {1}));
        }
        sets.removeIf(set -> !only.contains(set.name()));
        for (ImageSet set : sets) {
            System.out.printf(
                    "%s: %d instances, %.1f MB%n", set.name(), set.files().size(), megabytes(set.files()));
        }

        Map<String, String> settings = settings(System.getProperty("bench.settings", ""));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        List<String> rows = new ArrayList<>();
        IngestConfig.Acknowledge acknowledge;
        try (IngestNode node = new IngestNode(
                                TestNodes.config(
                                        tmp.resolve("spool"), FreePorts.next(), Duration.ofSeconds(10), settings),
                                TestNodes.kafka(),
                                metrics)
                        .start();
                Orthanc orthanc = Orthanc.in(tmp.resolve("orthanc")).start()) {
            acknowledge = node.config().acknowledge();
            // Warm-up: JIT, Kafka metadata and producer id, Orthanc's database.
            send(TestNodes.AE, node.port(), warmUp, 1, "-xe");
            send(orthanc.aeTitle(), orthanc.dicomPort(), warmUp, 1, "-xe");
            awaitPublished(metrics, warmUpFrontal, Duration.ofMinutes(1));
            for (ImageSet set : sets) {
                for (int parallel : set.parallel()) {
                    // Alternating rounds, median of each: the machine is shared, load comes and goes.
                    double[] ours = new double[ROUNDS];
                    double[] drained = new double[ROUNDS];
                    double[] theirs = new double[ROUNDS];
                    double[] load = new double[ROUNDS];
                    double[] decodesPerInstance = new double[ROUNDS];
                    for (int round = 0; round < ROUNDS; round++) {
                        Commands.run(newUids(set.files()));
                        load[round] = loadAverage();
                        double published = published(metrics);
                        double decodes = decodes(metrics);
                        long held = heldSenders(metrics);
                        long start = System.nanoTime();
                        send(TestNodes.AE, node.port(), set.files(), parallel, set.proposal());
                        double sent = (System.nanoTime() - start) / 1e9;
                        awaitPublished(metrics, published + set.frontal(), Duration.ofMinutes(10));
                        double all = (System.nanoTime() - start) / 1e9;
                        ours[round] = set.files().size() / sent;
                        drained[round] = set.files().size() / all;
                        check(published(metrics) - published, set.frontal(), "published");
                        decodesPerInstance[round] = (decodes(metrics) - decodes) / set.frontal();
                        theirs[round] = rate(orthanc.aeTitle(), orthanc.dicomPort(), set, parallel);
                        System.out.printf(
                                "%s, %d association(s), round %d (load average %.1f): ours %.2f/s (all published:"
                                        + " %.2f/s, %.1f decodes per frontal chest, %d responses held for a place in"
                                        + " the backlog), Orthanc %.2f/s%n",
                                set.name(),
                                parallel,
                                round,
                                load[round],
                                ours[round],
                                drained[round],
                                decodesPerInstance[round],
                                heldSenders(metrics) - held,
                                theirs[round]);
                    }
                    String row = String.format(
                            "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f-%.1f |",
                            set.name(),
                            parallel,
                            set.files().size(),
                            median(ours),
                            median(drained),
                            median(theirs),
                            median(ours) / median(theirs),
                            max(decodesPerInstance),
                            min(load),
                            max(load));
                    System.out.println(row);
                    rows.add(row);
                }
            }
        }
        write(rows, sets, settings, acknowledge);
    }

    private static double rate(String ae, int port, ImageSet set, int parallel) throws Exception {
        long start = System.nanoTime();
        send(ae, port, set.files(), parallel, set.proposal());
        return set.files().size() / ((System.nanoTime() - start) / 1e9);
    }

    /** {@code count} copies of the files, round robin; their UIDs are made unique by {@link #newUids}. */
    private static List<Path> copies(List<Path> files, int count, Path dir) throws Exception {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Files.copy(files.get(i % files.size()), dir.resolve("i" + i + ".dcm")));
        }
        return out;
    }

    /** dcmodify: a new Study and SOP Instance UID in every file (and its meta header), pixel data untouched. */
    private static List<String> newUids(List<Path> files) {
        List<String> cmd = new ArrayList<>(List.of("dcmodify", "-nb", "-gst", "-gin"));
        files.forEach(f -> cmd.add(f.toString()));
        return cmd;
    }

    private static void check(double actual, int expected, String what) {
        if (actual != expected) {
            throw new IllegalStateException(what + ": " + actual + " for " + expected + " frontal chests");
        }
    }

    private static double published(SimpleMeterRegistry metrics) {
        return metrics.find("cxr.ingest.instances.accepted").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** Responses held for a place in a full backlog ({@code acknowledge=SPOOL}'s pacing), admitted or refused. */
    private static long heldSenders(SimpleMeterRegistry metrics) {
        return metrics.find("cxr.ingest.backlog.wait").timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    private static double decodes(SimpleMeterRegistry metrics) {
        return metrics.find("cxr.ingest.decode.time").timers().stream()
                .mapToDouble(Timer::count)
                .sum();
    }

    private static void awaitPublished(SimpleMeterRegistry metrics, double count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (published(metrics) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(published(metrics) + " published, expected " + count);
            }
            Thread.sleep(20);
        }
    }

    /** Sends every file with {@code parallel} storescu processes (one association each). */
    static void send(String calledAe, int port, List<Path> files, int parallel, String proposal) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Dcmtk.Result>> results = new ArrayList<>();
            for (int p = 0; p < parallel; p++) {
                List<Path> share = new ArrayList<>();
                for (int i = p; i < files.size(); i += parallel) {
                    share.add(files.get(i));
                }
                results.add(pool.submit(() -> Dcmtk.run(storescu(calledAe, port, share, proposal), 900)));
            }
            for (Future<Dcmtk.Result> r : results) {
                Dcmtk.Result res = r.get();
                if (!res.ok()) {
                    throw new IllegalStateException("storescu exited " + res.exitCode() + " after " + res.successes()
                            + " successes; other responses: "
                            + res.responses().stream()
                                    .filter(s -> !s.equals("Success"))
                                    .toList());
                }
            }
        } finally {
            pool.shutdown(); // its threads are not daemons: a failed send must not keep the JVM alive
        }
    }

    private static List<String> storescu(String calledAe, int port, List<Path> files, String proposal) {
        List<String> cmd = new ArrayList<>(List.of(
                "storescu", "-v", proposal, "-aet", "BENCH", "-aec", calledAe, "127.0.0.1", String.valueOf(port)));
        files.forEach(f -> cmd.add(f.toString()));
        return cmd;
    }

    private static Map<String, String> settings(String spec) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String kv : spec.split(",")) {
            if (!kv.isBlank()) {
                String[] p = kv.split("=", 2);
                out.put(p[0].trim(), p[1].trim());
            }
        }
        return out;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double megabytes(List<Path> files) throws Exception {
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        return bytes / 1e6;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(0);
    }

    private static void write(
            List<String> rows, List<ImageSet> sets, Map<String, String> settings, IngestConfig.Acknowledge acknowledge)
            throws Exception {
        Path md = Path.of(System.getProperty("cxr.benchmarks", "../BENCHMARKS.md"))
                .toAbsolutePath()
                .normalize();
        StringBuilder described = new StringBuilder();
        for (ImageSet set : sets) {
            described.append(String.format(
                    "%s: %d instances, %.1f MB (%s); ",
                    set.name(), set.files().size(), megabytes(set.files()), set.description()));
        }
        String begin = "<!-- ingest-service:begin -->";
        String end = "<!-- ingest-service:end -->";
        String section = begin + "\n## ingest-service: C-STORE throughput (storescu → this SCP vs Orthanc)\n\n"
                + "Measured "
                + LocalDateTime.now()
                        .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                        .substring(0, 16)
                + " on this machine (" + Runtime.getRuntime().availableProcessors()
                + " cores, shared with other engineers' builds: the load average of each round is in the last column)"
                + " by `org.cxrplatform.ingest.bench.IngestBenchmark` (command in its Javadoc)"
                + (settings.isEmpty() ? "" : " with " + settings)
                + ". " + described
                + "fresh UIDs every round. Ours: every instance spooled, parsed, selected; frontal chests rendered"
                + " (decoded once) and published on Kafka (acks=all); the success answered "
                + (acknowledge == IngestConfig.Acknowledge.SPOOL
                        ? "once the instance is fsync'd in the spool and header-checked (`acknowledge=SPOOL`)"
                        : "after Kafka's acknowledgement (`acknowledge=KAFKA`)")
                + "; the Kafka broker runs inside the benchmark's"
                + " JVM, on the same cores. \"All published\" counts until the last frontal chest is on Kafka."
                + " Orthanc 1.10.1 (Debian): stores to disk, SQLite index. Median of " + ROUNDS
                + " alternating rounds.\n\n"
                + "| images | associations | instances | ingest-service inst/s | all published, inst/s |"
                + " Orthanc inst/s | ratio | decodes per frontal chest | load average |\n"
                + "|---|---|---|---|---|---|---|---|---|\n" + String.join("\n", rows) + "\n" + end + "\n";
        String text = Files.exists(md) ? Files.readString(md) : "# Benchmarks\n\n";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        text = b >= 0 && e > b
                ? text.substring(0, b) + section + text.substring(e + end.length() + 1)
                : text + (text.endsWith("\n\n") ? "" : "\n") + section;
        Files.writeString(md, text);
        System.out.println("wrote " + md);
    }
}
