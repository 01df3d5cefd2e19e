package org.cxrplatform.contracts;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;

/**
 * inference-service's in-flight marker: the metadata of a lane group's committed offset while studies of that
 * partition are in the model. These offsets were in the model and the process had already died {@code deaths} times
 * with them there ({@code by}: the replica that wrote it). Text form
 * {@code cxr-inflight deaths=<n> by=<instance> offsets=<a>-<b>,<c>} (ranges keep it far below the broker's
 * {@code offset.metadata.max.bytes}, 4096 by default); a commit with no study in the model carries none. Written and
 * read by inference-service, which recovers a partition whose previous owner died with a batch in the model; read by
 * the tests that kill it with a batch provably there.
 */
public record InFlightMarker(NavigableSet<Long> offsets, int deaths, String by) {

    private static final String PREFIX = "cxr-inflight ";
    /** Far above any batch; a longer range is not ours and would not fit in memory. */
    private static final long MAX_RANGE = 100_000;

    public InFlightMarker {
        offsets = Collections.unmodifiableNavigableSet(new TreeSet<>(offsets));
    }

    /** The committed metadata naming these offsets. */
    public String encode() {
        StringBuilder ranges = new StringBuilder();
        Long start = null;
        long prev = 0;
        for (long o : offsets) {
            if (start != null && o == prev + 1) {
                prev = o;
                continue;
            }
            appendRange(ranges, start, prev);
            start = o;
            prev = o;
        }
        appendRange(ranges, start, prev);
        return PREFIX + "deaths=" + deaths + " by=" + by + " offsets=" + ranges;
    }

    private static void appendRange(StringBuilder out, Long start, long end) {
        if (start == null) {
            return;
        }
        if (!out.isEmpty()) {
            out.append(',');
        }
        out.append(start);
        if (end != start) {
            out.append('-').append(end);
        }
    }

    /**
     * The marker in committed offset metadata; empty when there is none (a plain commit: no study in the model, or
     * metadata not written by inference-service).
     *
     * @throws IllegalArgumentException metadata that starts as a marker but cannot be read
     */
    public static Optional<InFlightMarker> read(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String part : metadata.substring(PREFIX.length()).trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        try {
            NavigableSet<Long> offsets = new TreeSet<>();
            for (String range : fields.getOrDefault("offsets", "").split(",")) {
                if (range.isEmpty()) {
                    continue;
                }
                int dash = range.indexOf('-');
                long from = Long.parseLong(dash < 0 ? range : range.substring(0, dash));
                long to = dash < 0 ? from : Long.parseLong(range.substring(dash + 1));
                if (to < from || to - from > MAX_RANGE) {
                    throw new IllegalArgumentException(
                            "unreadable in-flight marker '" + metadata + "': range " + range);
                }
                for (long o = from; o <= to; o++) {
                    offsets.add(o);
                }
            }
            return offsets.isEmpty()
                    ? Optional.empty()
                    : Optional.of(new InFlightMarker(
                            offsets,
                            Integer.parseInt(fields.getOrDefault("deaths", "0")),
                            fields.getOrDefault("by", "?")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unreadable in-flight marker '" + metadata + "'", e);
        }
    }
}
