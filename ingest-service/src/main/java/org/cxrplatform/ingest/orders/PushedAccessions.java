package org.cxrplatform.ingest.orders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Accession numbers that arrived by push, kept across restarts so a completed order never pulls a
 * study the node already has. A log file of lines {@code <epoch millis>\t<url-encoded accession>\n}:
 * each new accession is appended with one write and forced to disk before the call returns. Loading
 * keeps only complete, parseable lines younger than the retention (a crash can tear the last line),
 * then rewrites the file with them (temp file + atomic rename) so the torn tail never merges with the
 * next append. The same compaction runs once the appends since the last one outnumber the entries it
 * kept (and 1000), which bounds the file and the memory to about twice the accessions of one retention
 * period.
 *
 * <p>Thread-safe.
 */
public final class PushedAccessions implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PushedAccessions.class);
    private static final int MIN_APPENDS_BEFORE_COMPACTION = 1000;

    private final Path file;
    private final Duration retention;
    private final Clock clock;
    /** Accession number → when it was first pushed (within the retention). */
    private final Map<String, Instant> pushedAt = new HashMap<>();

    private FileChannel log;
    private int appendsSinceCompaction;
    private int liveAtCompaction;

    public PushedAccessions(Path file, Duration retention) {
        this(file, retention, Clock.systemUTC());
    }

    PushedAccessions(Path file, Duration retention, Clock clock) {
        this.file = file;
        this.retention = retention;
        this.clock = clock;
        try {
            Files.createDirectories(file.getParent());
            load();
            compact();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open pushed accession numbers " + file, e);
        }
    }

    /** Remembers that instances with this accession number arrived by push. */
    public synchronized void add(String accession) {
        Instant now = clock.instant();
        if (isLive(pushedAt.get(accession), now)) {
            return;
        }
        pushedAt.put(accession, now);
        try {
            ByteBuffer b = ByteBuffer.wrap(line(accession, now));
            while (b.hasRemaining()) {
                log.write(b);
            }
            log.force(false);
            if (++appendsSinceCompaction > Math.max(MIN_APPENDS_BEFORE_COMPACTION, liveAtCompaction)) {
                compact();
            }
        } catch (IOException e) {
            // Still known in memory; only a restart before the next successful write forgets it.
            LOG.errorf(e, "cannot record pushed accession number %s in %s", accession, file);
        }
    }

    /** True when instances with this accession number arrived by push within the retention. */
    public synchronized boolean contains(String accession) {
        return isLive(pushedAt.get(accession), clock.instant());
    }

    /** Accession numbers remembered (within the retention). */
    public synchronized int size() {
        Instant now = clock.instant();
        return (int) pushedAt.values().stream().filter(t -> isLive(t, now)).count();
    }

    private boolean isLive(Instant pushed, Instant now) {
        return pushed != null && pushed.plus(retention).isAfter(now);
    }

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        String content = Files.readString(file, StandardCharsets.UTF_8);
        int end = content.lastIndexOf('\n') + 1;
        if (end < content.length()) {
            LOG.warnf("%s: ignoring a torn last line (%d bytes) left by a crash", file, content.length() - end);
        }
        Instant now = clock.instant();
        int bad = 0;
        for (String l : content.substring(0, end).split("\n")) {
            if (l.isEmpty()) {
                continue;
            }
            int tab = l.indexOf('\t');
            try {
                Instant at = Instant.ofEpochMilli(Long.parseLong(l.substring(0, tab)));
                String accession = URLDecoder.decode(l.substring(tab + 1), StandardCharsets.UTF_8);
                if (isLive(at, now) && !accession.isEmpty()) {
                    pushedAt.merge(accession, at, (a, b) -> a.isAfter(b) ? a : b);
                }
            } catch (RuntimeException e) {
                bad++;
            }
        }
        if (bad > 0) {
            LOG.warnf("%s: ignored %d unreadable line(s)", file, bad);
        }
    }

    /** Rewrites the file with the live entries only and reopens it for appending. */
    private void compact() throws IOException {
        Instant now = clock.instant();
        pushedAt.values().removeIf(t -> !isLive(t, now));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Map.Entry<String, Instant> e : pushedAt.entrySet()) {
                ByteBuffer b = ByteBuffer.wrap(line(e.getKey(), e.getValue()));
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (log != null) {
            log.close();
        }
        log = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        appendsSinceCompaction = 0;
        liveAtCompaction = pushedAt.size();
    }

    private static byte[] line(String accession, Instant at) {
        return (at.toEpochMilli() + "\t" + URLEncoder.encode(accession, StandardCharsets.UTF_8) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        try {
            log.close();
        } catch (IOException e) {
            LOG.debugf("closing %s: %s", file, e.getMessage());
        }
    }
}
