package org.cxrplatform.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DCMTK's command-line peers (storescu, echoscu) run as a router would run them, and any other
 * DICOM command-line tool (dcmdump, dcmcjpeg, dciodvfy...), each with a bounded wait.
 */
public final class Dcmtk {

    private static final Pattern RESPONSE = Pattern.compile("Received Store Response \\(([^)]*)\\)");
    /** storescu's network time-outs for a peer that may hang: connect, association, DIMSE. */
    private static final List<String> TIMEOUTS = List.of("-to", "30", "-ta", "30", "-td", "60");

    /**
     * @param output    stdout and stderr
     * @param successes number of "Received Store Response (Success)" lines
     * @param responses every store response status text, in order
     */
    public record Result(int exitCode, String output, int successes, List<String> responses) {
        public boolean ok() {
            return exitCode == 0;
        }

        public boolean allStored(int files) {
            return exitCode == 0 && successes == files;
        }
    }

    private Dcmtk() {}

    public static Result echoscu(String callingAe, String calledAe, int port) {
        return run(
                List.of(
                        "echoscu",
                        "-v",
                        "-to",
                        "10",
                        "-aet",
                        callingAe,
                        "-aec",
                        calledAe,
                        "127.0.0.1",
                        String.valueOf(port)),
                60);
    }

    /** storescu with time-outs for a peer that may hang (connect and association 30 s, DIMSE 60 s), one association for all {@code files}. */
    public static Result storescu(String callingAe, String calledAe, int port, List<Path> files) {
        return storescu(callingAe, calledAe, port, TIMEOUTS, files);
    }

    /** storescu with explicit options (transfer syntax proposal, time-outs...), one association for all {@code files}. */
    public static Result storescu(String callingAe, String calledAe, int port, List<String> options, List<Path> files) {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aet", callingAe, "-aec", calledAe));
        cmd.addAll(options);
        cmd.add("127.0.0.1");
        cmd.add(String.valueOf(port));
        files.forEach(f -> cmd.add(f.toString()));
        return run(cmd, 180 + files.size());
    }

    /** Runs a command to its end, at most {@code timeoutSeconds}. */
    public static Result run(List<String> cmd, long timeoutSeconds) {
        Path out = null;
        try {
            out = Files.createTempFile("dcmtk-", ".out");
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd.get(0) + " did not finish in " + timeoutSeconds + " s");
            }
            String text = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
            List<String> responses = new ArrayList<>();
            Matcher m = RESPONSE.matcher(text);
            int ok = 0;
            while (m.find()) {
                responses.add(m.group(1));
                if (m.group(1).equals("Success")) {
                    ok++;
                }
            }
            return new Result(p.exitValue(), text, ok, responses);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }
}
