package org.cxrplatform.llava.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts the libtorch operators a piece of work dispatches, with PyTorch's own profiler (DJL's
 * {@code JniUtils.startProfile}): every {@code aten::} call that Java started, not the operators
 * those call internally (an event nested in another on the same thread is not counted). On a GPU
 * each such call is at least one kernel launch, so this is the launch count the decode loop pays.
 */
public final class NativeOps {

    /**
     * Operators that only make a view of existing memory (no kernel on a GPU; libtorch also skips a
     * slice that covers a whole dimension, so their number varies with shapes).
     */
    static final Set<String> VIEWS = Set.of(
            "aten::slice",
            "aten::view",
            "aten::reshape",
            "aten::unsqueeze",
            "aten::squeeze",
            "aten::permute",
            "aten::transpose",
            "aten::t",
            "aten::expand",
            "aten::as_strided",
            "aten::split",
            "aten::split_with_sizes",
            "aten::select",
            "aten::narrow",
            "aten::alias",
            "aten::_reshape_alias");

    /**
     * Top-level operator calls, in total and by name, and the wall time spent inside them by name
     * (microseconds, as the profiler timed them; the profiler's own cost is included).
     */
    public record Count(int calls, Map<String, Integer> byName, Map<String, Double> microsByName) {

        /** Calls that compute (copy, reduce, multiply...): all but {@link #VIEWS}. */
        public int computing() {
            return calls
                    - byName.entrySet().stream()
                            .filter(e -> VIEWS.contains(operator(e.getKey())))
                            .mapToInt(Map.Entry::getValue)
                            .sum();
        }

        public Count per(int n) {
            Map<String, Integer> each = new TreeMap<>();
            byName.forEach((k, v) -> each.put(k, v / n));
            Map<String, Double> micros = new TreeMap<>();
            microsByName.forEach((k, v) -> micros.put(k, v / n));
            return new Count(calls / n, each, micros);
        }

        /** Microseconds inside top-level operators. */
        public double micros() {
            return microsByName.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
        }

        /** The operators by descending time, "name n×, t ms" joined, for printing. */
        public String timeSummary(int limit) {
            return microsByName.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(limit)
                    .map(e -> String.format(
                            java.util.Locale.ROOT,
                            "%s %d× %.2f ms",
                            e.getKey().replace("aten::", ""),
                            byName.get(e.getKey()),
                            e.getValue() / 1000))
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("");
        }

        /** The operators by descending count, "name×n" joined, for printing. */
        public String summary(int limit) {
            return byName.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(limit)
                    .map(e -> e.getKey().replace("aten::", "") + "×" + e.getValue())
                    .reduce((a, b) -> a + " " + b)
                    .orElse("");
        }
    }

    private NativeOps() {}

    /** The operator's name in a key of {@link Count#byName}, without the shapes {@code count} may append. */
    static String operator(String key) {
        int space = key.indexOf(' ');
        return space < 0 ? key : key.substring(0, space);
    }

    /** Runs {@code work} under the profiler and counts its top-level operator calls. */
    public static Count count(boolean cuda, Runnable work) {
        return count(cuda, false, work);
    }

    /**
     * Runs {@code work} under the profiler and counts its top-level operator calls; with {@code shapes}
     * each name is followed by its inputs' shapes ({@code "aten::matmul [[256,1024],[1024,2816]]"}), so
     * the same operator on different tensors is counted apart.
     */
    public static Count count(boolean cuda, boolean shapes, Runnable work) {
        Path trace;
        try {
            trace = Files.createTempFile("cxr-llava-ops-", ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            JniUtils.startProfile(cuda, shapes, false);
            try {
                work.run();
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            return topLevel(new ObjectMapper().readTree(trace.toFile()), shapes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the profiler trace " + trace, e);
        } finally {
            trace.toFile().delete();
        }
    }

    private record Event(String name, String thread, double start, double end) {}

    /** Complete ("X") operator events not enclosed by another operator event of the same thread. */
    static Count topLevel(JsonNode trace, boolean shapes) {
        JsonNode events = trace.isArray() ? trace : trace.path("traceEvents");
        List<Event> ops = new ArrayList<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText("");
            if (e.path("ph").asText("").equals("X") && name.startsWith("aten::")) {
                double ts = e.path("ts").asDouble();
                String key = shapes ? name + " " + e.path("shape") : name;
                ops.add(new Event(
                        key, e.path("tid").asText(), ts, ts + e.path("dur").asDouble()));
            }
        }
        ops.sort(Comparator.comparing(Event::thread)
                .thenComparingDouble(Event::start)
                .thenComparing(Comparator.comparingDouble(Event::end).reversed()));
        Map<String, Integer> byName = new TreeMap<>();
        Map<String, Double> micros = new TreeMap<>();
        int calls = 0;
        String thread = null;
        double openUntil = Double.NEGATIVE_INFINITY;
        for (Event e : ops) {
            if (!e.thread().equals(thread)) {
                thread = e.thread();
                openUntil = Double.NEGATIVE_INFINITY;
            }
            if (e.start() >= openUntil) { // not inside the last top-level call
                calls++;
                byName.merge(e.name(), 1, Integer::sum);
                micros.merge(e.name(), e.end() - e.start(), Double::sum);
                openUntil = e.end();
            }
        }
        return new Count(calls, byName, micros);
    }
}
