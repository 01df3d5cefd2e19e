package org.cxrplatform.ingest.decode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cxrplatform.ingest.render.NativeDecoder;
import org.cxrplatform.ingest.render.RenderException;
import org.jboss.logging.Logger;

/**
 * One running decoder worker ({@link DecoderWorkerMain}) seen from the service: sends it an
 * instance, waits at most the time limit for its answer, and turns its death into the instance's
 * outcome ({@code decoder-crashed} with the exit status or signal, and what the JVM's crash report
 * says; {@code decoder-timeout} after killing it). A dead or killed worker is not reused.
 *
 * <p>Not thread-safe: the pool lends it to one decode at a time.
 */
final class DecoderProcess {

    private static final Logger LOG = Logger.getLogger(DecoderProcess.class);
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final Writer requests;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path workDir;
    private String via = "?";

    private DecoderProcess(Process process, Path workDir) {
        this.process = process;
        this.workDir = workDir;
        this.requests = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, "decoder-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a worker with {@code command} and waits for it to announce itself. */
    static DecoderProcess start(List<String> command, Path workDir, Duration startTimeout)
            throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("MALLOC_ARENA_MAX", "2"); // fewer reserved arenas under the address-space limit
        DecoderProcess worker = new DecoderProcess(pb.start(), workDir);
        String ready;
        try {
            ready = worker.answers.poll(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            worker.kill(); // the pool is closing: a worker nobody will use must not outlive it
            throw e;
        }
        if (ready == null || !ready.startsWith("READY\t")) {
            worker.kill();
            throw new IOException("decoder worker did not start within " + startTimeout + ": "
                    + (ready == null ? "no answer" : worker.exitDescription()));
        }
        worker.via = ready.substring("READY\t".length());
        return worker;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Decodes {@code in}'s first frame through {@code out}, a file the worker writes and this reads back. */
    NativeDecoder.Frame decode(Path in, Path out, long maxFrameBytes, Duration timeout)
            throws RenderException, InterruptedException {
        try {
            requests.write(
                    String.join("\t", "DECODE", in.toString(), out.toString(), Long.toString(maxFrameBytes)) + "\n");
            requests.flush();
        } catch (IOException e) {
            throw crashed(); // the pipe broke: it died before or while reading the request
        }
        String answer = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (answer == null) {
            kill();
            throw new RenderException(
                    "decoder-timeout",
                    "no answer from decoder worker pid " + pid() + " within " + timeout.toMillis()
                            + " ms; worker killed (SIGKILL) and replaced");
        }
        if (answer.equals(EOF)) {
            throw crashed();
        }
        String[] f = answer.split("\t", -1);
        if (f[0].equals("ERR")) {
            throw new RenderException(f[1], f.length > 2 ? f[2] : "");
        }
        try {
            byte[] bytes = Files.readAllBytes(out);
            return new NativeDecoder.Frame(
                    bytes,
                    Integer.parseInt(f[1]),
                    Integer.parseInt(f[2]),
                    Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]),
                    f[5].equals("-") ? "" : f[5],
                    f[6] + "-worker");
        } catch (IOException | RuntimeException e) {
            throw new RenderException("decode", "decoder worker answer unreadable: " + answer, e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // the work folder is emptied when the pool starts
            }
        }
    }

    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String via() {
        return via;
    }

    private RenderException crashed() throws InterruptedException {
        process.waitFor(10, TimeUnit.SECONDS);
        return new RenderException(
                "decoder-crashed",
                "decoder worker pid " + pid() + " died while decoding: " + exitDescription() + "; replaced");
    }

    /** Exit status or signal, plus the JVM crash report's signal and native frame when there is one. */
    private String exitDescription() {
        if (process.isAlive()) {
            return "still running";
        }
        int status = process.exitValue();
        String how = status > 128
                ? "killed by signal " + (status - 128) + signalName(status - 128)
                : "exit status " + status + (status == 3 ? " (out of memory)" : "");
        Path report = workDir.resolve("hs_err_" + pid() + ".log");
        if (Files.exists(report)) {
            try (Stream<String> lines = Files.lines(report, StandardCharsets.ISO_8859_1)) {
                String summary = lines.filter(l ->
                                l.matches("#\\s+(SIG\\w+ \\(.*|C\\s+\\[.*|Internal Error.*|.*[Oo]ut of [Mm]emory.*)"))
                        .limit(3)
                        .map(l -> l.replaceFirst("^#\\s+", ""))
                        .reduce((a, b) -> a + "; " + b)
                        .orElse("");
                how += summary.isEmpty() ? "" : " (JVM crash report: " + summary + ")";
                Files.delete(report);
            } catch (IOException | java.io.UncheckedIOException e) {
                LOG.debugf("cannot read %s: %s", report, e.getMessage());
            }
        }
        return how;
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 4 -> " (SIGILL)";
            case 6 -> " (SIGABRT)";
            case 7 -> " (SIGBUS)";
            case 8 -> " (SIGFPE)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }

    private void readAnswers() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(DecoderWorkerMain.PREFIX)) {
                    answers.add(line.substring(DecoderWorkerMain.PREFIX.length()));
                } else {
                    LOG.debugf("decoder worker %d: %s", process.pid(), line); // a native library's own output
                }
            }
        } catch (IOException e) {
            LOG.debugf("decoder worker %d output closed: %s", process.pid(), e.getMessage());
        }
        answers.add(EOF);
    }
}
