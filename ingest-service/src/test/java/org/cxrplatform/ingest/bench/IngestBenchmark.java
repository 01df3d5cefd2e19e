package org.cxrplatform.ingest.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.IngestNode;
import org.cxrplatform.ingest.support.TestNodes;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Orthanc;

/**
 * Instances per second received with DCMTK's storescu: this service (every instance parsed,
 * selected, frontal chests rendered and acknowledged by Kafka before the response) against
 * Orthanc's own C-STORE SCP (stores to disk and indexes in SQLite), on the same machine and the
 * same files, one association and four parallel associations. Writes the numbers into
 * BENCHMARKS.md (its own section).
 *
 * <pre>
 * cd ingest-service
 * mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *     org.cxrplatform.ingest.bench.IngestBenchmark [SEEDS]
 * </pre>
 */
public final class IngestBenchmark {

    private static final int ROUNDS = 3;

    private IngestBenchmark() {}

    private static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c[c.length / 2];
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        Path tmp = Files.createTempDirectory("ingest-bench-");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            SampleStudies.write(tmp.resolve("s" + i), 100_000 + i).forEach(s -> files.add(s.file()));
        }
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        System.out.printf("%d instances, %.1f MB%n", files.size(), bytes / 1e6);

        List<String> rows = new ArrayList<>();
        try (IngestNode node = new IngestNode(
                                TestNodes.config(tmp.resolve("spool"), FreePorts.next(), Duration.ofSeconds(10)),
                                TestNodes.kafka(),
                                new SimpleMeterRegistry())
                        .start();
                Orthanc orthanc = Orthanc.in(tmp.resolve("orthanc")).start()) {
            // Warm-up: JIT, Kafka metadata and producer id, Orthanc's database.
            send(TestNodes.AE, node.port(), files.subList(0, 12), 1);
            send(orthanc.aeTitle(), orthanc.dicomPort(), files.subList(0, 12), 1);
            for (int parallel : new int[] {1, 4}) {
                // Alternating rounds, median of each: the machine is shared, load comes and goes.
                double[] ours = new double[ROUNDS];
                double[] theirs = new double[ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    ours[round] = send(TestNodes.AE, node.port(), files, parallel);
                    theirs[round] = send(orthanc.aeTitle(), orthanc.dicomPort(), files, parallel);
                    System.out.printf(
                            "parallel %d round %d: ours %.1f/s, Orthanc %.1f/s%n",
                            parallel, round, ours[round], theirs[round]);
                }
                double o = median(ours);
                double t = median(theirs);
                String row = String.format("| %d | %d | %.1f | %.1f | %.2f |", parallel, files.size(), o, t, o / t);
                System.out.println(row);
                rows.add(row);
            }
        }
        write(rows, files.size(), bytes);
        System.exit(0); // the in-process broker's threads are not daemons
    }

    /** Sends every file with {@code parallel} storescu processes (one association each); returns instances/s. */
    static double send(String calledAe, int port, List<Path> files, int parallel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<Dcmtk.Result>> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int p = 0; p < parallel; p++) {
            List<Path> share = new ArrayList<>();
            for (int i = p; i < files.size(); i += parallel) {
                share.add(files.get(i));
            }
            results.add(pool.submit(() -> Dcmtk.run(storescu(calledAe, port, share), 600)));
        }
        for (Future<Dcmtk.Result> r : results) {
            Dcmtk.Result res = r.get();
            if (!res.ok()) {
                throw new IllegalStateException("storescu failed: " + res.output());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return files.size() / seconds;
    }

    private static List<String> storescu(String calledAe, int port, List<Path> files) {
        List<String> cmd = new ArrayList<>(
                List.of("storescu", "-aet", "BENCH", "-aec", calledAe, "127.0.0.1", String.valueOf(port)));
        files.forEach(f -> cmd.add(f.toString()));
        return cmd;
    }

    private static void write(List<String> rows, int instances, long bytes) throws Exception {
        Path md = Path.of(System.getProperty("cxr.benchmarks", "../BENCHMARKS.md"))
                .toAbsolutePath()
                .normalize();
        String begin = "<!-- ingest-service:begin -->";
        String end = "<!-- ingest-service:end -->";
        String section = begin + "\n## ingest-service: C-STORE throughput (storescu → this SCP vs Orthanc)\n\n"
                + "Measured "
                + LocalDateTime.now()
                        .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                        .substring(0, 16)
                + " on this machine (" + Runtime.getRuntime().availableProcessors()
                + " cores, shared with other builds; load average "
                + String.format(
                        "%.1f",
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                                .getSystemLoadAverage())
                + ") by "
                + "`org.cxrplatform.ingest.bench.IngestBenchmark`: " + instances + " synthetic CR/DX instances ("
                + String.format("%.1f", bytes / 1e6)
                + " MB, 512x600 16-bit, explicit VR LE; two thirds frontal chests)."
                + " Ours: every instance spooled, parsed, selected; frontal chests rendered to PNG and acknowledged by Kafka"
                + " (acks=all) before the C-STORE response; the Kafka broker runs inside the benchmark's JVM, on the same"
                + " cores. Orthanc 1.10.1 (Debian): stores to disk, SQLite index. Median of " + ROUNDS
                + " alternating rounds.\n\n"
                + "| parallel associations | instances | ingest-service inst/s | Orthanc inst/s | ratio |\n"
                + "|---|---|---|---|---|\n" + String.join("\n", rows) + "\n" + end + "\n";
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
