package org.cxrplatform.e2e.harness;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** DCMTK's storescu and echoscu, run as a router would run them, with a bounded wait. */
public final class Dcmtk {

    private static final Pattern RESPONSE = Pattern.compile("Received Store Response \\(([^)]*)\\)");

    /**
     * @param successes number of "Received Store Response (Success)" lines
     * @param responses every store response status text, in order
     */
    public record Result(int exitCode, String output, int successes, List<String> responses) {
        public boolean allStored(int files) {
            return exitCode == 0 && successes == files;
        }
    }

    private Dcmtk() {
    }

    public static Result echoscu(String callingAe, String calledAe, int port) {
        return run(List.of("echoscu", "-v", "-to", "10", "-aet", callingAe, "-aec", calledAe, "127.0.0.1", String.valueOf(port)), 60);
    }

    /** One association for all {@code files}. */
    public static Result storescu(String callingAe, String calledAe, int port, List<Path> files) {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-to", "30", "-ta", "30", "-td", "60",
                "-aet", callingAe, "-aec", calledAe, "127.0.0.1", String.valueOf(port)));
        files.forEach(f -> cmd.add(f.toString()));
        return run(cmd, 120 + files.size());
    }

    public static Result run(List<String> cmd, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd.get(0) + " did not finish in " + timeoutSeconds + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
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
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
