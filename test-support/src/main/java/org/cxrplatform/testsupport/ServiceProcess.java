package org.cxrplatform.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A packaged Quarkus service ({@code java -jar quarkus-run.jar}) with its HTTP port and readiness. */
public final class ServiceProcess extends ManagedProcess {

    private static final Pattern METRIC =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+([-+0-9.eEnaNIf]+)\\s*$");

    private final int httpPort;

    public ServiceProcess(String name, List<String> command, Map<String, String> env, Path log, int httpPort) {
        super(name, command, env, log);
        this.httpPort = httpPort;
    }

    /**
     * A packaged Quarkus application run by this JVM's java, HTTP on loopback at {@code httpPort}:
     * {@code java <jvmArgs> -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=<httpPort> -jar <jar>}. Not started.
     *
     * @param jar     {@code <module>/target/quarkus-app/quarkus-run.jar} (or a copy of that folder)
     * @param jvmArgs heap, GC, {@code -D} configuration...
     * @param env     environment on top of this JVM's (configuration in env form)
     */
    public static ServiceProcess quarkusApp(
            String name, Path jar, List<String> jvmArgs, Map<String, String> env, Path log, int httpPort) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(jvmArgs);
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-Dquarkus.http.port=" + httpPort);
        cmd.add("-jar");
        cmd.add(jar.toString());
        return new ServiceProcess(name, cmd, env, log, httpPort);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    public boolean ready() {
        return Http.status(url("/q/health/ready")) == 200;
    }

    /** Waits for /q/health/ready to answer 200; fails fast with the log tail when the process dies. */
    public ServiceProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                throw new IllegalStateException(name() + " exited during start-up; log " + log() + ":\n" + tail(60));
            }
            if (ready()) {
                return this;
            }
            sleep(500);
        }
        Http.Response r;
        try {
            r = Http.get(url("/q/health/ready"));
        } catch (RuntimeException e) {
            r = new Http.Response(-1, e.toString());
        }
        throw new IllegalStateException(name() + " not ready after " + timeout + " (" + r.status() + " " + r.body()
                + "); log " + log() + ":\n" + tail(60));
    }

    public ServiceProcess restart(Duration timeout) {
        start();
        return awaitReady(timeout);
    }

    /** Sum of a Prometheus metric's samples whose labels contain every {@code labelFilter} ("area=\"heap\""); NaN when absent. */
    public double metric(String name, String... labelFilters) {
        Http.Response r = Http.get(url("/q/metrics"));
        double sum = 0;
        boolean found = false;
        for (String line : r.body().split("\n")) {
            Matcher m = METRIC.matcher(line);
            if (!m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            String labels = m.group(2) == null ? "" : m.group(2);
            boolean all = true;
            for (String f : labelFilters) {
                all &= labels.contains(f);
            }
            if (all) {
                sum += Double.parseDouble(m.group(3));
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    /** Heap in use, from jvm_memory_used_bytes{area="heap"}. */
    public double heapUsedBytes() {
        return metric("jvm_memory_used_bytes", "area=\"heap\"");
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
