package org.cxrplatform.evaluation.run;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar with throughput and ETA on stderr. On a terminal the line is redrawn in place;
 * otherwise (a log file, CI) one line is printed per update. The ETA is measured on the studies
 * generated in this run only, so a resumed run does not count the skipped ones as instant.
 */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean inPlace;
    private final LongSupplier nanoClock;
    private final int total;
    private final int alreadyDone;
    private final long startNanos;
    private int done;

    public ProgressBar(PrintStream out, boolean inPlace, LongSupplier nanoClock, int total, int alreadyDone) {
        this.out = out;
        this.inPlace = inPlace;
        this.nanoClock = nanoClock;
        this.total = total;
        this.alreadyDone = alreadyDone;
        this.done = alreadyDone;
        this.startNanos = nanoClock.getAsLong();
    }

    public static ProgressBar onStderr(int total, int alreadyDone) {
        return new ProgressBar(System.err, System.console() != null, System::nanoTime, total, alreadyDone);
    }

    /** Shows the bar before the first batch, which with a real model can take a while. */
    public void start() {
        advance(0);
    }

    public void advance(int studies) {
        done += studies;
        String line = render();
        if (inPlace) {
            out.print("\r" + line);
            if (done >= total) out.println();
        } else {
            out.println(line);
        }
        out.flush();
    }

    String render() {
        double fraction = total == 0 ? 1 : (double) done / total;
        int filled = (int) Math.round(fraction * WIDTH);
        double elapsed = (nanoClock.getAsLong() - startNanos) / 1e9;
        int thisRun = done - alreadyDone;
        double perStudy = thisRun > 0 ? elapsed / thisRun : Double.NaN;
        double eta = Double.isNaN(perStudy) ? Double.NaN : perStudy * (total - done);
        return String.format(
                Locale.ROOT,
                "[%s%s] %d/%d %3.0f%%  %s/study  elapsed %s  ETA %s",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                done,
                total,
                fraction * 100,
                Double.isNaN(perStudy) ? "-" : String.format(Locale.ROOT, "%.2f s", perStudy),
                clock(elapsed),
                Double.isNaN(eta) ? "--:--" : clock(eta));
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
