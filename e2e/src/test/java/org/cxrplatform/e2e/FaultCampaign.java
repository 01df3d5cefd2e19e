package org.cxrplatform.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.e2e.harness.Pipeline;
import org.cxrplatform.e2e.harness.Platform;
import org.cxrplatform.e2e.harness.Router;
import org.cxrplatform.e2e.harness.StudyFactory;
import org.cxrplatform.testsupport.RisPeer;
import org.cxrplatform.testsupport.ServiceProcess;

/**
 * Sends studies through a running platform while breaking it on a schedule, then counts what came
 * out: every study ingest accepted must reach the RIS under exactly one MSH-10 (a repeat of the same
 * MSH-10 after a lost ACK is counted as a retransmission, which a RIS drops by control id), with no
 * dead letters.
 * {@link #main} is the long campaign ({@code scripts/fault-campaign.sh}); {@link FaultToleranceTest}
 * runs a short one in the default suite.
 */
public final class FaultCampaign {

    /** One thing that goes wrong, {@code at} after the first study is sent. */
    public record Fault(String name, Duration at, Duration down, Kind kind, String service) {
        public enum Kind {
            KILL_SERVICE,
            KILL_KAFKA,
            KILL_POSTGRES,
            RIS_REFUSES
        }

        public static Fault kill(String service, Duration at, Duration down) {
            return new Fault("kill -9 " + service, at, down, Kind.KILL_SERVICE, service);
        }

        public static Fault kafka(Duration at, Duration down) {
            return new Fault("kill -9 Kafka broker and restart", at, down, Kind.KILL_KAFKA, null);
        }

        public static Fault postgres(Duration at, Duration down) {
            return new Fault(
                    "kill -9 PostgreSQL, restart after " + down.toSeconds() + " s", at, down, Kind.KILL_POSTGRES, null);
        }

        public static Fault risRefuses(Duration at, Duration down) {
            return new Fault("RIS refuses connections " + down.toSeconds() + " s", at, down, Kind.RIS_REFUSES, null);
        }
    }

    /**
     * @param studies  how many studies the routers send
     * @param routers  concurrent router threads
     * @param spacing  pause between two studies of one router
     * @param drain    longest wait for the last ORUs after sending and faults are over
     */
    public record Plan(
            int studies, int routers, Duration spacing, List<Fault> faults, Duration drain, Router.Mode mode) {}

    /** What the campaign measured. */
    public record Result(
            int sent,
            int accepted,
            long refusalsRetried,
            int orus,
            int distinctAccessionsAtRis,
            Set<String> missing,
            Map<String, Long> duplicates,
            long retransmissions,
            List<DeadLetter> dlqForCampaign,
            int dlqTotal,
            Map<String, Long> dlqByStage,
            List<String> faultLog,
            Duration elapsed) {

        public boolean clean() {
            return missing.isEmpty() && duplicates.isEmpty() && dlqForCampaign.isEmpty() && accepted == sent;
        }

        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format("%-44s %10s%n", "count", "value"));
            row(b, "studies sent by the routers", sent);
            row(b, "accepted by ingest (C-STORE success)", accepted);
            row(b, "refused attempts, retried by the router", refusalsRetried);
            row(b, "ORUs received at the RIS (all arrivals)", orus);
            row(b, "accessions with an ORU", distinctAccessionsAtRis);
            row(b, "accepted studies without an ORU", missing.size());
            row(b, "duplicates at the RIS (accession, >1 MSH-10)", duplicates.size());
            row(b, "retransmissions (same MSH-10 again)", retransmissions);
            row(b, "DLQ entries for campaign studies", dlqForCampaign.size());
            row(b, "DLQ entries in total", dlqTotal);
            b.append(String.format("DLQ by stage: %s%n", dlqByStage));
            b.append(String.format("elapsed: %d s%n", elapsed.toSeconds()));
            b.append("faults:\n");
            faultLog.forEach(l -> b.append("  ").append(l).append('\n'));
            if (!missing.isEmpty()) {
                b.append("missing (first 20): ")
                        .append(missing.stream().limit(20).toList())
                        .append('\n');
            }
            if (!duplicates.isEmpty()) {
                b.append("duplicates (first 20): ")
                        .append(duplicates.entrySet().stream().limit(20).toList())
                        .append('\n');
            }
            dlqForCampaign.stream()
                    .limit(20)
                    .forEach(d -> b.append("DLQ: ")
                            .append(d.stage())
                            .append(' ')
                            .append(d.reason())
                            .append('\n'));
            return b.toString();
        }

        private static void row(StringBuilder b, String name, long v) {
            b.append(String.format("%-44s %10d%n", name, v));
        }
    }

    private FaultCampaign() {}

    public static Result run(Platform p, StudyFactory factory, Plan plan) throws Exception {
        Instant start = Instant.now();
        Router router = new Router(p, plan.mode(), p.options().callingAe(), 200, Duration.ofSeconds(2), true);
        ExecutorService pool = Executors.newFixedThreadPool(plan.routers() + 1);
        List<String> faultLog = new ArrayList<>();
        int perRouter = plan.studies() / plan.routers();
        List<Future<?>> senders = new ArrayList<>();
        for (int r = 0; r < plan.routers(); r++) {
            int n = r == plan.routers() - 1 ? plan.studies() - perRouter * (plan.routers() - 1) : perRouter;
            senders.add(pool.submit(
                    () -> router.sendAll(n, () -> factory.make(StudyFactory.Template.ROUTINE_PA), plan.spacing())));
        }
        Future<?> faults = pool.submit(() -> {
            for (Fault f : plan.faults().stream()
                    .sorted(Comparator.comparing(Fault::at))
                    .toList()) {
                long wait = Duration.between(Instant.now(), start.plus(f.at())).toMillis();
                if (wait > 0) {
                    ServiceProcess.sleep(wait);
                }
                long t0 = System.nanoTime();
                String line = String.format(
                        "t=%4ds %s", Duration.between(start, Instant.now()).toSeconds(), f.name());
                log(line);
                inject(p, f);
                String done = line + String.format(" (back after %d s)", (System.nanoTime() - t0) / 1_000_000_000);
                synchronized (faultLog) {
                    faultLog.add(done);
                }
                log(done);
            }
            return null;
        });
        for (Future<?> s : senders) {
            s.get();
        }
        faults.get();
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        log("sending and faults done after "
                + Duration.between(start, Instant.now()).toSeconds() + " s; accepted "
                + router.accepted().size() + "/" + router.sent().size() + "; waiting for the RIS");
        List<String> accepted =
                router.accepted().stream().map(s -> s.study().accessionNumber()).toList();
        Set<String> missing = Pipeline.awaitOrus(p, accepted, plan.drain());
        // Anything duplicated would come right after; give it a moment.
        Thread.sleep(10_000);
        Set<String> studyUids = router.sent().values().stream()
                .map(s -> s.study().studyInstanceUid())
                .collect(Collectors.toSet());
        List<DeadLetter> dlq = Pipeline.deadLetters(p);
        List<DeadLetter> ours = dlq.stream()
                .filter(d -> d.studyInstanceUid() != null && studyUids.contains(d.studyInstanceUid()))
                .toList();
        Map<String, Long> byStage =
                dlq.stream().collect(Collectors.groupingBy(d -> d.stage().name(), TreeMap::new, Collectors.counting()));
        Set<String> campaign = router.sent().keySet();
        List<RisPeer.Oru> orus = p.ris().accepted().stream()
                .filter(o -> campaign.contains(o.accession()))
                .toList();
        Map<String, Long> dups = new LinkedHashMap<>(p.ris().duplicateAccessions());
        dups.keySet().retainAll(campaign);
        long retrans = orus.size()
                - orus.stream().map(RisPeer.Oru::controlId).distinct().count();
        return new Result(
                router.sent().size(),
                accepted.size(),
                router.refusals(),
                orus.size(),
                (int) orus.stream().map(RisPeer.Oru::accession).distinct().count(),
                missing,
                dups,
                retrans,
                ours,
                dlq.size(),
                byStage,
                faultLog,
                Duration.between(start, Instant.now()));
    }

    static void inject(Platform p, Fault f) {
        switch (f.kind()) {
            case KILL_SERVICE -> p.crash(f.service(), f.down());
            case KILL_KAFKA -> {
                p.kafka().kill9();
                ServiceProcess.sleep(f.down().toMillis());
                p.kafka().startAndWait(Duration.ofSeconds(180));
            }
            case KILL_POSTGRES -> {
                p.postgres().crash();
                ServiceProcess.sleep(f.down().toMillis());
                p.postgres().start();
            }
            case RIS_REFUSES -> {
                p.ris().stop();
                ServiceProcess.sleep(f.down().toMillis());
                p.ris().start();
            }
        }
    }

    static void log(String s) {
        System.out.printf("[campaign %tT] %s%n", new java.util.Date(), s);
        System.out.flush();
    }

    /** The schedule of the long campaign: each service killed in turn, the broker, the database and the RIS. */
    public static List<Fault> fullSchedule() {
        return List.of(
                Fault.kill(Platform.INGEST, Duration.ofSeconds(30), Duration.ofSeconds(5)),
                Fault.kill(Platform.INFERENCE, Duration.ofSeconds(90), Duration.ofSeconds(5)),
                Fault.kill(Platform.REPORT, Duration.ofSeconds(150), Duration.ofSeconds(5)),
                Fault.kafka(Duration.ofSeconds(210), Duration.ofSeconds(10)),
                Fault.postgres(Duration.ofSeconds(300), Duration.ofSeconds(30)),
                Fault.risRefuses(Duration.ofSeconds(390), Duration.ofSeconds(120)));
    }

    /**
     * {@code FaultCampaign [STUDIES] [SEND_SECONDS]}: starts the platform, sends STUDIES (default 1000)
     * over about SEND_SECONDS (default 540, the span of the fault schedule) while the faults happen,
     * prints the counts; exit code 0 when every accepted study has exactly one ORU and no DLQ entry.
     */
    public static void main(String[] args) throws Exception {
        int studies = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int sendSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 540;
        int routers = 2;
        Duration spacing = Duration.ofMillis(Math.max(0, sendSeconds * 1000L * routers / studies - 150));
        Plan plan = new Plan(studies, routers, spacing, fullSchedule(), Duration.ofMinutes(30), Router.Mode.RAW);
        Result result;
        try (Platform p = Platform.start(Platform.Options.defaults("campaign"))) {
            StudyFactory factory = new StudyFactory(p.work().resolve("studies"), "C");
            log("platform up; sending " + studies + " studies with " + routers + " routers, " + spacing.toMillis()
                    + " ms apart");
            result = run(p, factory, plan);
            System.out.println();
            System.out.println("FAULT CAMPAIGN RESULT");
            System.out.print(result.table());
            System.out.println("services ready after the campaign: " + p.allReady() + "; logs in " + p.logs());
        }
        System.exit(result.clean() ? 0 : 1);
    }
}
