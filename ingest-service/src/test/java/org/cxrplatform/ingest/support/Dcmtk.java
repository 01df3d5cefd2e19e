package org.cxrplatform.ingest.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs DCMTK's command-line peers (storescu, echoscu) the way a router would. */
public final class Dcmtk {

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Dcmtk() {
    }

    public static Result echoscu(String callingAe, String calledAe, int port) {
        return run(List.of("echoscu", "-aet", callingAe, "-aec", calledAe, "127.0.0.1", String.valueOf(port)));
    }

    /** storescu with explicit options (transfer syntax proposal...), one association for all files. */
    public static Result storescu(String callingAe, String calledAe, int port, List<String> options, List<Path> files) {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aet", callingAe, "-aec", calledAe));
        cmd.addAll(options);
        cmd.add("127.0.0.1");
        cmd.add(String.valueOf(port));
        files.forEach(f -> cmd.add(f.toString()));
        return run(cmd);
    }

    public static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException("cannot run " + cmd, e);
        }
    }
}
