package org.cxrplatform.llava.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.cxrplatform.llava.CxrLlava;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.RuntimeOptions;
import org.cxrplatform.llava.engine.Completion;
import org.cxrplatform.llava.engine.Engine;
import org.cxrplatform.llava.engine.EngineConfig;
import org.cxrplatform.llava.engine.GenerationListener;
import org.cxrplatform.llava.engine.RequestHandle;
import org.cxrplatform.llava.engine.StopReason;

/**
 * Static against continuous batching on the medium random model, at engine level, rounds alternating
 * the two so that both see the same machine.
 *
 * <ul>
 *   <li>{@code lengths}: a queue of reports whose lengths are drawn from 40 to 300 tokens (each request
 *       ends at its drawn length, its max_new_tokens: the engine ends a sequence on its limit and on EOS
 *       by the same path). Static: batches of B, the next batch once the last report of the previous
 *       one ended, as the old generator ran. Continuous: the queue feeds the engine, a report joins as
 *       soon as a slot frees. Prints reports per minute and useful tokens per computed decode row (the
 *       engine computes every slot up to the highest occupied one); and what the old generator computed,
 *       every row until the batch's longest report ended.
 *   <li>{@code stat}: the routine lane saturated (B routine reports running, more waiting), a STAT
 *       report arrives after a given number of decode steps. Old: it waits for the routine call in
 *       flight (a static batch) to end, then runs before the next routine batch. New: more routine
 *       reports wait, and STAT is admitted at the next step into the slot reserved for priority 0 and
 *       prefills in chunks beside the running decodes. Prints its time to first token and to the full
 *       report, from its arrival.
 * </ul>
 *
 * <pre>java -Xmx8g -cp cxr-llava/target/cxr-llava.jar org.cxrplatform.llava.bench.BatchingBenchmark
 *     lengths|stat [--model DIR] [--rounds 3] [--batch 8] [--reports 16] [--stat-tokens 100] [--threads N]
 *     [--device cpu|gpu] [--dtype fp32|fp16]</pre>
 */
public final class BatchingBenchmark {

    private BatchingBenchmark() {}

    public static void main(String[] args) throws Exception {
        String figure = args.length > 0 ? args[0] : "";
        Path modelDir = null;
        int rounds = 3;
        int batch = 8;
        int reports = 16;
        int statTokens = 100;
        String device = "cpu";
        String dtype = "fp32";
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> modelDir = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--reports" -> reports = Integer.parseInt(args[++i]);
                case "--stat-tokens" -> statTokens = Integer.parseInt(args[++i]);
                case "--device" -> device = args[++i];
                case "--dtype" -> dtype = args[++i];
                case "--threads" -> System.setProperty("ai.djl.pytorch.num_threads", args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (!figure.equals("lengths") && !figure.equals("stat")) {
            throw new IllegalArgumentException("first argument: lengths or stat");
        }
        Figures.header("BatchingBenchmark " + figure);
        Path dir = modelDir != null ? modelDir : Figures.mediumModel();
        // one slot more than the batch, reserved for priority 0: STAT's slot in the new scheduler
        EngineConfig config = EngineConfig.defaults().withMaxSlots(batch + 1).withReservedSlots(1);
        try (CxrLlava llava = CxrLlava.load(dir, new RuntimeOptions(device, dtype), config)) {
            llava.generate(
                    List.of(GenerationRequest.report(Figures.randomImage(600, 520, new Random(1)))),
                    GenerationOptions.greedy().withMaxNewTokens(4),
                    null); // warm-up
            if (figure.equals("lengths")) {
                lengths(llava, rounds, batch, reports);
            } else {
                stat(llava, rounds, batch, statTokens);
            }
            Figures.footer();
        }
    }

    /** What one run of a workload did. */
    private record Run(double seconds, long usefulTokens, long computedRows, long oldGeneratorRows, int reports) {
        double perMinute() {
            return reports * 60 / seconds;
        }
    }

    private static void lengths(CxrLlava llava, int rounds, int batch, int reports) {
        double[][] perMin = new double[2][rounds];
        double[][] useful = new double[2][rounds];
        double[] oldUseful = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            Random rnd = new Random(100 + r);
            int[] lengths = new int[reports];
            for (int i = 0; i < reports; i++) {
                lengths[i] = 40 + rnd.nextInt(261);
            }
            for (int k = 0; k < 2; k++) {
                boolean continuous = (r + k) % 2 == 1; // alternate which goes first
                String load = Figures.load1();
                Run run =
                        continuous ? continuous(llava, lengths, batch, rnd) : staticBatches(llava, lengths, batch, rnd);
                int m = continuous ? 1 : 0;
                perMin[m][r] = run.perMinute();
                useful[m][r] = (double) run.usefulTokens() / run.computedRows();
                if (!continuous) {
                    oldUseful[r] = (double) run.usefulTokens() / run.oldGeneratorRows();
                }
                System.out.printf(
                        Locale.ROOT,
                        "round %d, %s (load %s-%s): %d reports of 40-300 tokens (%d in all) in %.1f s = "
                                + "%.2f reports/min; useful tokens / computed decode rows %.2f%s%n",
                        r + 1,
                        continuous ? "continuous" : "static",
                        load,
                        Figures.load1(),
                        reports,
                        run.usefulTokens(),
                        run.seconds(),
                        run.perMinute(),
                        useful[m][r],
                        continuous
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        " (the old generator, every row to the batch's longest: %.2f)",
                                        oldUseful[r]));
            }
        }
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratio[r] = perMin[1][r] / perMin[0][r];
        }
        System.out.printf(
                Locale.ROOT,
                "batch %d over %d rounds, median [min-max]: static %s reports/min, useful/computed "
                        + "%s (old generator %s); continuous %s reports/min, useful/computed %s; continuous / static %s x%n",
                batch,
                rounds,
                Figures.spread(perMin[0]),
                Figures.spread(useful[0]),
                Figures.spread(oldUseful),
                Figures.spread(perMin[1]),
                Figures.spread(useful[1]),
                Figures.spread(ratio));
    }

    private static GenerationRequest report(Random rnd) {
        return GenerationRequest.report(Figures.randomImage(600, 520, rnd));
    }

    /** Ends at exactly {@code tokens} tokens: greedy, no repetition guard (EOS could end it earlier; counted). */
    private static GenerationOptions upTo(int tokens) {
        return GenerationOptions.greedy().withMaxNewTokens(tokens);
    }

    private static Run staticBatches(CxrLlava llava, int[] lengths, int batch, Random rnd) {
        Engine engine = llava.engine();
        long start = System.nanoTime();
        long useful = 0;
        long rows = 0;
        long oldRows = 0;
        for (int from = 0; from < lengths.length; from += batch) {
            List<RequestHandle> handles = new ArrayList<>();
            int longest = 0;
            for (int i = from; i < Math.min(lengths.length, from + batch); i++) {
                handles.add(engine.submit(report(rnd), upTo(lengths[i]), 1, null));
                longest = Math.max(longest, lengths[i]);
            }
            oldRows += (long) handles.size() * longest;
            while (!handles.stream().allMatch(RequestHandle::isDone)) {
                engine.step();
                rows += engine.lastStep().decodeRows();
            }
            useful += usefulTokens(handles, lengths, from);
        }
        return new Run((System.nanoTime() - start) / 1e9, useful, rows, oldRows, lengths.length);
    }

    private static Run continuous(CxrLlava llava, int[] lengths, int batch, Random rnd) {
        Engine engine = llava.engine();
        long start = System.nanoTime();
        List<RequestHandle> handles = new ArrayList<>();
        int next = 0;
        long rows = 0;
        while (next < lengths.length || !handles.stream().allMatch(RequestHandle::isDone)) {
            // the routine queue keeps the batch full: a report joins as soon as a slot frees
            while (next < lengths.length
                    && handles.stream().filter(h -> !h.isDone()).count() < batch) {
                handles.add(engine.submit(report(rnd), upTo(lengths[next++]), 1, null));
            }
            engine.step();
            rows += engine.lastStep().decodeRows();
        }
        long useful = usefulTokens(handles, lengths, 0);
        return new Run((System.nanoTime() - start) / 1e9, useful, rows, rows, lengths.length);
    }

    /**
     * The tokens the reports generated, after checking the invariants: every report completed once, at
     * its own length (or earlier on EOS), so none was lost, cut or run on by its neighbours.
     */
    private static long usefulTokens(List<RequestHandle> handles, int[] lengths, int from) {
        long useful = 0;
        for (int i = 0; i < handles.size(); i++) {
            Completion c = handles.get(i).result().join();
            int expected = lengths[from + i];
            boolean ok = c.stopReason() == StopReason.MAX_NEW_TOKENS
                    ? c.generatedIds().length == expected
                    : c.stopReason() == StopReason.EOS && c.generatedIds().length <= expected;
            if (!ok) {
                throw new IllegalStateException("report " + (from + i) + " of " + expected + " tokens ended with "
                        + c.generatedIds().length + " (" + c.stopReason() + ")");
            }
            useful += c.generatedIds().length;
        }
        if (handles.stream().map(RequestHandle::id).distinct().count() != handles.size()) {
            throw new IllegalStateException("a request id was handed out twice");
        }
        return useful;
    }

    /** Arrival → first token and → last token of the STAT report, ms. */
    private record StatTimes(double firstMs, double fullMs) {}

    private static void stat(CxrLlava llava, int rounds, int batch, int statTokens) {
        double[][] first = new double[2][rounds];
        double[][] full = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            Random rnd = new Random(200 + r);
            int arriveAfter = 10 + rnd.nextInt(40); // decode steps of the routine batch before STAT arrives
            for (int k = 0; k < 2; k++) {
                boolean newScheduler = (r + k) % 2 == 1;
                String load = Figures.load1();
                StatTimes t = statRun(llava, batch, statTokens, arriveAfter, newScheduler, rnd);
                int m = newScheduler ? 1 : 0;
                first[m][r] = t.firstMs();
                full[m][r] = t.fullMs();
                System.out.printf(
                        Locale.ROOT,
                        "round %d, %s (load %s-%s): STAT arrives after %d routine decode steps: first "
                                + "token %.0f ms, full report (%d tokens) %.0f ms after arrival%n",
                        r + 1,
                        newScheduler ? "new: joins at the next step" : "old: waits for the routine call in flight",
                        load,
                        Figures.load1(),
                        arriveAfter,
                        t.firstMs(),
                        statTokens,
                        t.fullMs());
            }
        }
        System.out.printf(
                Locale.ROOT,
                "STAT with %d routine reports running, over %d rounds, median [min-max]: old first "
                        + "token %s ms, full %s ms; new first token %s ms, full %s ms%n",
                batch,
                rounds,
                Figures.spread(first[0]),
                Figures.spread(full[0]),
                Figures.spread(first[1]),
                Figures.spread(full[1]));
    }

    private static StatTimes statRun(
            CxrLlava llava, int batch, int statTokens, int arriveAfter, boolean newScheduler, Random rnd) {
        Engine engine = llava.engine();
        List<RequestHandle> routine = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            routine.add(engine.submit(report(rnd), upTo(120 + rnd.nextInt(180)), 1, null));
        }
        List<RequestHandle> queued =
                new ArrayList<>(); // new scheduler: the routine backlog keeps every routine slot busy
        for (int i = 0; newScheduler && i < batch; i++) {
            queued.add(engine.submit(report(rnd), upTo(40), 1, null));
        }
        int decoded = 0;
        while (decoded < arriveAfter) {
            engine.step();
            decoded += engine.lastStep().decodeRows() > 0 && engine.lastStep().prefillRows() == 0 ? 1 : 0;
        }
        long arrival = System.nanoTime();
        long[] firstToken = {0};
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onToken(RequestHandle request, int tokenId, String textPiece) {
                if (firstToken[0] == 0) {
                    firstToken[0] = System.nanoTime();
                }
            }
        };
        RequestHandle stat;
        if (newScheduler) {
            stat = engine.submit(report(rnd), upTo(statTokens), 0, listener);
        } else {
            // the old scheduler: the STAT study waits until the routine call in flight returns, then runs first
            while (!routine.stream().allMatch(RequestHandle::isDone)) {
                engine.step();
            }
            stat = engine.submit(report(rnd), upTo(statTokens), 0, listener);
        }
        while (!stat.isDone()) {
            engine.step();
        }
        Completion c = stat.result().join();
        long end = System.nanoTime();
        routine.forEach(RequestHandle::cancel);
        queued.forEach(RequestHandle::cancel);
        while (engine.step()) {
            // drain
        }
        if (c.generatedIds().length == 0) {
            throw new IllegalStateException("the STAT report generated nothing");
        }
        return new StatTimes((firstToken[0] - arrival) / 1e6, (end - arrival) / 1e6);
    }
}
