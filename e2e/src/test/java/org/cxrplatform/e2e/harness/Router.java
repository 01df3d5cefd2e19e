package org.cxrplatform.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.ServiceProcess;

/**
 * A DICOM router in front of the platform: sends studies and, like a real router, retries an
 * instance the SCP did not accept (failure status, refused association, connection error) after a
 * pause, until it is accepted or {@code maxAttempts} is reached. Records when each study was first
 * sent and when ingest accepted it.
 *
 * <p>Thread-safe: several router threads may share one instance.
 */
public final class Router {

    /** How the instances travel: DCMTK storescu (one process per call) or {@link RawStoreScu} (in-process, precise timing). */
    public enum Mode {
        STORESCU,
        RAW
    }

    public record Sent(
            StudyFactory.Study study,
            Instant firstTry,
            Instant acceptedAt,
            long sendNanos,
            int attempts,
            String lastOutcome) {
        public boolean accepted() {
            return acceptedAt != null;
        }
    }

    private final Platform platform;
    private final Mode mode;
    private final String callingAe;
    private final int maxAttempts;
    private final Duration pause;
    private final boolean deleteAfterSend;
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final AtomicLong refusals = new AtomicLong();

    public Router(
            Platform platform, Mode mode, String callingAe, int maxAttempts, Duration pause, boolean deleteAfterSend) {
        this.platform = platform;
        this.mode = mode;
        this.callingAe = callingAe;
        this.maxAttempts = maxAttempts;
        this.pause = pause;
        this.deleteAfterSend = deleteAfterSend;
    }

    /** Sends one study, retrying as a router does; returns what happened. */
    public Sent send(StudyFactory.Study study) {
        Instant first = Instant.now();
        String last = null;
        DicomFile file = mode == Mode.RAW ? DicomFile.read(study.file()) : null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            long t0 = System.nanoTime();
            boolean ok;
            if (mode == Mode.RAW) {
                RawStoreScu.Outcome o = RawStoreScu.send(
                        "127.0.0.1", platform.dicomPort(), callingAe, platform.aeTitle(), file, 60_000);
                ok = o.success();
                last = o.toString();
            } else {
                Dcmtk.Result r =
                        Dcmtk.storescu(callingAe, platform.aeTitle(), platform.dicomPort(), List.of(study.file()));
                ok = r.allStored(1);
                last = ok
                        ? "Success"
                        : (r.responses().isEmpty()
                                ? "exit " + r.exitCode() + " " + lastLine(r.output())
                                : r.responses().toString());
            }
            long nanos = System.nanoTime() - t0;
            if (ok) {
                Sent s = new Sent(study, first, Instant.now(), nanos, attempt, last);
                sent.put(study.accessionNumber(), s);
                cleanup(study);
                return s;
            }
            refusals.incrementAndGet();
            ServiceProcess.sleep(pause.toMillis());
        }
        Sent s = new Sent(study, first, null, 0, maxAttempts, last);
        sent.put(study.accessionNumber(), s);
        cleanup(study);
        return s;
    }

    /** Makes and sends {@code n} studies from {@code make}, one after another, with an optional pause between them. */
    public List<Sent> sendAll(int n, Supplier<StudyFactory.Study> make, Duration between) {
        List<Sent> out = new ArrayList<>();
        for (int i = 0; i < n && !Thread.currentThread().isInterrupted(); i++) {
            out.add(send(make.get()));
            if (!between.isZero()) {
                ServiceProcess.sleep(between.toMillis());
            }
        }
        return out;
    }

    private void cleanup(StudyFactory.Study study) {
        if (deleteAfterSend) {
            try {
                Files.deleteIfExists(study.file());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }

    public Map<String, Sent> sent() {
        return sent;
    }

    public List<Sent> accepted() {
        return sent.values().stream().filter(Sent::accepted).toList();
    }

    /** Attempts the SCP refused (each retried later). */
    public long refusals() {
        return refusals.get();
    }
}
