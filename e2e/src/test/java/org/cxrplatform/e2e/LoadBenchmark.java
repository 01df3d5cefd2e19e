package org.cxrplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.cxrplatform.e2e.harness.DicomFile;
import org.cxrplatform.e2e.harness.Pipeline;
import org.cxrplatform.e2e.harness.Platform;
import org.cxrplatform.e2e.harness.RawStoreScu;
import org.cxrplatform.e2e.harness.RepoRoot;
import org.cxrplatform.e2e.harness.StudyFactory;
import org.cxrplatform.testsupport.ManagedProcess;
import org.cxrplatform.testsupport.RisPeer;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load benchmark of the whole pipeline with the tiny model: a routine backlog sent as fast as the SCP
 * takes it, STAT studies from the emergency router every few seconds while the backlog drains.
 * Prints sustained studies/min, STAT end-to-end latency (C-STORE sent -> ORU at the RIS)
 * p50/p95/p99, loss, and RSS/CPU per process, and appends the table to BENCHMARKS.md; then fails
 * (exit code 1 from {@link #main}) if an accepted study has no ORU or an accession reached the RIS
 * under two MSH-10s.
 *
 * <pre>
 * java -cp e2e/target/test-classes:$(cat e2e/target/test-classpath.txt) org.cxrplatform.e2e.LoadBenchmark [ROUTINE] [STAT_EVERY_MS]
 * mvn -B -o -pl e2e verify -De2e.excluded= -Dgroups=benchmark -Dtest=LoadBenchmark -De2e.bench.routine=10000
 * </pre>
 * (Surefire finds only {@code *Test} classes by itself: the class must be named.)
 */
public final class LoadBenchmark {

    record Sample(Instant at, Map<String, long[]> rssAndTicks) {}

    @Test
    @Tag("benchmark")
    void benchmark() throws Exception {
        run(Integer.getInteger("e2e.bench.routine", 2000), Integer.getInteger("e2e.bench.stat-every-ms", 3000), true);
    }

    public static void main(String[] args) throws Exception {
        int routine = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int statEvery = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        boolean append = args.length <= 2 || !"--no-append".equals(args[2]);
        try {
            run(routine, statEvery, append);
        } catch (AssertionError e) {
            System.out.println("LOAD BENCHMARK FAILED: " + e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    static void run(int routine, int statEveryMs, boolean append) throws Exception {
        Platform.Options options = Platform.Options.defaults("benchmark");
        try (Platform p = Platform.start(options)) {
            StudyFactory factory = new StudyFactory(p.work().resolve("studies"), "L");
            Map<String, Instant> statSent = new ConcurrentHashMap<>();
            Map<String, Instant> routineAccepted = new ConcurrentHashMap<>();
            List<String> refused = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean backlogSent = new AtomicBoolean();
            List<ManagedProcess> procs = new ArrayList<>(p.services().values());
            procs.add(p.kafka());
            if (p.pacs() != null) {
                procs.add(p.pacs());
            }
            List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(5);
            AtomicBoolean done = new AtomicBoolean();
            Instant start = Instant.now();
            pool.submit(() -> {
                while (!done.get()) {
                    Map<String, long[]> m = new LinkedHashMap<>();
                    for (ManagedProcess mp : procs) {
                        m.put(mp.name(), new long[] {mp.rssKb(), mp.cpuTicks()});
                    }
                    m.put("e2e JVM (+PostgreSQL child)", new long[] {selfRssKb(), -1});
                    samples.add(new Sample(Instant.now(), m));
                    ServiceProcess.sleep(5000);
                }
                return null;
            });
            // Routine backlog: two routers, one association each per 50 studies, as fast as the SCP accepts.
            List<Future<?>> routers = new ArrayList<>();
            int perRouter = routine / 2;
            for (int r = 0; r < 2; r++) {
                int n = r == 0 ? perRouter : routine - perRouter;
                routers.add(pool.submit(() -> {
                    int left = n;
                    while (left > 0) {
                        int batch = Math.min(50, left);
                        List<StudyFactory.Study> studies = new ArrayList<>();
                        for (int i = 0; i < batch; i++) {
                            studies.add(factory.make(StudyFactory.Template.ROUTINE_PA));
                        }
                        DicomFile first = DicomFile.read(studies.get(0).file());
                        try (RawStoreScu scu = RawStoreScu.open(
                                "127.0.0.1",
                                p.dicomPort(),
                                options.callingAe(),
                                p.aeTitle(),
                                first.sopClassUid(),
                                first.transferSyntaxUid(),
                                60_000)) {
                            for (StudyFactory.Study s : studies) {
                                DicomFile f = DicomFile.read(s.file());
                                RawStoreScu.Outcome o = scu.store(f.sopClassUid(), f.sopInstanceUid(), f.dataset());
                                if (o.success()) {
                                    routineAccepted.put(s.accessionNumber(), Instant.now());
                                } else {
                                    refused.add(s.accessionNumber() + " " + o);
                                }
                                Files.deleteIfExists(s.file());
                            }
                        }
                        left -= batch;
                    }
                    return null;
                }));
            }
            // STAT: the emergency router, one association per study, every statEveryMs, until the backlog has drained.
            Future<?> stat = pool.submit(() -> {
                while (!backlogDrained(p, routineAccepted, backlogSent)
                        && Duration.between(start, Instant.now()).toMinutes() < 60) {
                    StudyFactory.Study s = factory.make(StudyFactory.Template.ROUTINE_PA);
                    DicomFile f = DicomFile.read(s.file());
                    Instant t0 = Instant.now();
                    RawStoreScu.Outcome o =
                            RawStoreScu.send("127.0.0.1", p.dicomPort(), "ER_ROUTER", p.aeTitle(), f, 60_000);
                    if (o.success()) {
                        statSent.put(s.accessionNumber(), t0);
                    } else {
                        refused.add("STAT " + s.accessionNumber() + " " + o);
                    }
                    Files.deleteIfExists(s.file());
                    ServiceProcess.sleep(statEveryMs);
                }
                return null;
            });
            for (Future<?> r : routers) {
                r.get();
            }
            Instant sentAll = Instant.now();
            backlogSent.set(true);
            System.out.printf(
                    "routine backlog of %d sent in %d s (%d accepted); draining%n",
                    routine, Duration.between(start, sentAll).toSeconds(), routineAccepted.size());
            stat.get();
            Set<String> missingStat = Pipeline.awaitOrus(p, statSent.keySet(), Duration.ofMinutes(5));
            done.set(true);
            pool.shutdown();
            Instant end = Instant.now();

            Map<String, RisPeer.Oru> first = new LinkedHashMap<>();
            for (RisPeer.Oru o : p.ris().accepted()) {
                first.putIfAbsent(o.accession(), o);
            }
            List<Instant> routineOrus = routineAccepted.keySet().stream()
                    .map(first::get)
                    .filter(o -> o != null)
                    .map(RisPeer.Oru::at)
                    .sorted()
                    .toList();
            Set<String> missingRoutine = routineAccepted.keySet().stream()
                    .filter(a -> !first.containsKey(a))
                    .collect(Collectors.toSet());
            List<Long> latencies = statSent.entrySet().stream()
                    .filter(e -> first.containsKey(e.getKey()))
                    .map(e -> Duration.between(
                                    e.getValue(), first.get(e.getKey()).at())
                            .toMillis())
                    .sorted()
                    .toList();
            long total = routineOrus.size() + latencies.size();
            double minutes =
                    Duration.between(start, routineOrus.isEmpty() ? end : routineOrus.get(routineOrus.size() - 1))
                                    .toMillis()
                            / 60000.0;
            double steady = routineOrus.size() < 20
                    ? Double.NaN
                    : (routineOrus.size() * 0.8)
                            / (Duration.between(
                                                    routineOrus.get(routineOrus.size() / 10),
                                                    routineOrus.get(routineOrus.size() * 9 / 10))
                                            .toMillis()
                                    / 60000.0);

            StringBuilder t = new StringBuilder();
            t.append(String.format(
                    "%n### %s: %d routine + %d STAT studies, tiny model, %d new tokens%n%n",
                    LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
                    routineAccepted.size(),
                    statSent.size(),
                    options.maxNewTokens()));
            t.append(String.format(
                    "Machine: %d cores, %d GiB; all processes on this host (broker, PostgreSQL, 3 services, Orthanc, RIS, "
                            + "senders). Routine sent by 2 routers (50 per association), STAT by ER_ROUTER every %d ms until the backlog drained.%n%n",
                    Runtime.getRuntime().availableProcessors(), totalMemGiB(), statEveryMs));
            t.append("| measure | value |\n|---|---|\n");
            t.append(String.format(
                    "| routine C-STOREs accepted / refused | %d / %d |%n", routineAccepted.size(), refused.size()));
            t.append(String.format(
                    "| backlog sent in | %d s (%.0f studies/min into ingest) |%n",
                    Duration.between(start, sentAll).toSeconds(),
                    routineAccepted.size() / (Duration.between(start, sentAll).toMillis() / 60000.0)));
            t.append(String.format(
                    "| whole-pipeline throughput (first send to last routine ORU) | %.0f studies/min |%n",
                    total / minutes));
            t.append(String.format(
                    "| steady routine throughput (10th-90th percentile ORUs) | %.0f studies/min |%n", steady));
            t.append(String.format(
                    "| STAT C-STORE sent -> ORU at RIS, p50 / p95 / p99 / max | %s / %s / %s / %s ms (n=%d) |%n",
                    pct(latencies, 50),
                    pct(latencies, 95),
                    pct(latencies, 99),
                    latencies.isEmpty() ? "-" : latencies.get(latencies.size() - 1),
                    latencies.size()));
            t.append(String.format(
                    "| loss: accepted without ORU (routine / STAT) | %d / %d |%n",
                    missingRoutine.size(), missingStat.size()));
            t.append(String.format(
                    "| duplicates at the RIS | %d |%n",
                    p.ris().duplicateAccessions().size()));
            t.append("\n| process | peak RSS MiB | mean CPU (% of one core) |\n|---|---|---|\n");
            if (samples.size() >= 2) {
                Sample s0 = samples.get(0);
                Sample s1 = samples.get(samples.size() - 1);
                double secs = Duration.between(s0.at(), s1.at()).toMillis() / 1000.0;
                for (String name : s1.rssAndTicks().keySet()) {
                    long peak = samples.stream()
                            .mapToLong(s -> s.rssAndTicks().getOrDefault(name, new long[] {0})[0])
                            .max()
                            .orElse(0);
                    long t0 = s0.rssAndTicks().get(name)[1];
                    long t1 = s1.rssAndTicks().get(name)[1];
                    String cpu = t0 < 0 || t1 < 0 ? "-" : String.format("%.0f", (t1 - t0) / secs);
                    t.append(String.format("| %s | %d | %s |%n", name, peak / 1024, cpu));
                }
            }
            t.append(statBreakdown(p, statSent, first));
            System.out.println(t);
            if (!refused.isEmpty()) {
                System.out.println(
                        "refused (first 10): " + refused.stream().limit(10).toList());
            }
            if (append) {
                appendToBenchmarks(t.toString());
            }
            // The figures are only worth printing if nothing was lost or filed twice on the way.
            assertThat(missingRoutine)
                    .as("routine studies accepted without an ORU")
                    .isEmpty();
            assertThat(missingStat).as("STAT studies accepted without an ORU").isEmpty();
            assertThat(p.ris().duplicateAccessions())
                    .as("accessions filed under two MSH-10s at the RIS")
                    .isEmpty();
        }
    }

    /**
     * Where a STAT study's time goes, from the report's own timings (ingest receivedAt, inference
     * startedAt/completedAt), report-service's createdAt (stored) and the ORU's arrival.
     */
    private static String statBreakdown(Platform p, Map<String, Instant> statSent, Map<String, RisPeer.Oru> first) {
        Map<String, List<Long>> seg = new LinkedHashMap<>();
        for (String k : List.of(
                "C-STORE sent -> ingest accepted (receivedAt)",
                "receivedAt -> inference started (lane wait)",
                "inference started -> completed (model, batch)",
                "completed -> stored by report-service (cxr.reports lag)",
                "stored -> ORU at the RIS (outbox, MLLP)")) {
            seg.put(k, new ArrayList<>());
        }
        for (Map.Entry<String, Instant> e : statSent.entrySet()) {
            RisPeer.Oru oru = first.get(e.getKey());
            if (oru == null) {
                continue;
            }
            try {
                var dr = Pipeline.entries(p.api().fhirByAccession(e.getKey()));
                if (dr.isEmpty()) {
                    continue;
                }
                var rest = Pipeline.report(p, Pipeline.id(dr.get(0)));
                Instant received = instant(rest.path("timings").path("receivedAt"));
                Instant started = instant(rest.path("timings").path("startedAt"));
                Instant completed = instant(rest.path("timings").path("completedAt"));
                Instant stored = instant(rest.path("createdAt"));
                List<List<Long>> v = new ArrayList<>(seg.values());
                v.get(0).add(Duration.between(e.getValue(), received).toMillis());
                v.get(1).add(Duration.between(received, started).toMillis());
                v.get(2).add(Duration.between(started, completed).toMillis());
                v.get(3).add(Duration.between(completed, stored).toMillis());
                v.get(4).add(Duration.between(stored, oru.at()).toMillis());
            } catch (RuntimeException ex) {
                System.out.println("no breakdown for " + e.getKey() + ": " + ex);
            }
        }
        StringBuilder b = new StringBuilder("\n| STAT segment | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|\n");
        seg.forEach((k, v) -> {
            List<Long> sorted = v.stream().sorted().toList();
            b.append(String.format("| %s | %s | %s | %s |%n", k, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99)));
        });
        return b.toString();
    }

    /** An Instant as Jackson writes it: ISO-8601 text, or epoch seconds with a fraction. */
    private static Instant instant(com.fasterxml.jackson.databind.JsonNode n) {
        if (n.isNumber()) {
            java.math.BigDecimal d = n.decimalValue();
            return Instant.ofEpochSecond(
                    d.longValue(),
                    d.remainder(java.math.BigDecimal.ONE).movePointRight(9).longValue());
        }
        return Instant.parse(n.asText());
    }

    private static boolean backlogDrained(Platform p, Map<String, Instant> accepted, AtomicBoolean sent) {
        if (!sent.get()) {
            return false;
        }
        Set<String> seen =
                p.ris().accepted().stream().map(RisPeer.Oru::accession).collect(Collectors.toSet());
        return seen.containsAll(accepted.keySet());
    }

    private static String pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return String.valueOf(sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))));
    }

    private static long selfRssKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return -1;
    }

    private static long totalMemGiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Math.round(Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0);
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return -1;
    }

    static synchronized void appendToBenchmarks(String section) throws IOException {
        Path file = RepoRoot.get().resolve("BENCHMARKS.md");
        String header = "\n## Whole pipeline under load and faults (e2e, issue 9)\n\n"
                + "Measured by `org.cxrplatform.e2e.LoadBenchmark` (e2e module): every service a separate `java -jar` process, "
                + "the bundled random-weight tiny model, studies over DICOM C-STORE, reports over MLLP to a listening RIS.\n";
        String existing = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
        String add = existing.contains("(e2e, issue 9)") ? section : header + section;
        Files.writeString(file, add, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
