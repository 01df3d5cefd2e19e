package org.cxrplatform.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One OS process of a test (a service, the broker, Orthanc) that can be started, killed with
 * SIGKILL, stopped with SIGTERM and started again with the same command. Output of every
 * incarnation is appended to one log file. Resource use is read from {@code /proc}. A test JVM
 * that exits without stopping it kills it on the way out, so no test leaves a process behind.
 *
 * <p>Thread-safe (all state changes synchronized).
 */
public class ManagedProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private volatile Process process;
    private int starts;

    public ManagedProcess(String name, List<String> command, Map<String, String> env, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.env = new LinkedHashMap<>(env);
        this.log = log;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            Process p = process;
                            if (p != null) {
                                p.destroyForcibly();
                            }
                        },
                        name + "-kill"));
    }

    /** The java executable of this JVM, for child JVMs. */
    public static String javaExecutable() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public Map<String, String> env() {
        return java.util.Collections.unmodifiableMap(env);
    }

    public synchronized ManagedProcess start() {
        if (alive()) {
            return this;
        }
        try {
            Files.createDirectories(log.getParent());
            String banner = "\n===== test-support: start #" + (++starts) + " of " + name + " at " + Instant.now() + "\n"
                    + String.join(" ", command) + "\n";
            Files.writeString(
                    log,
                    banner,
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            process = pb.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public synchronized int starts() {
        return starts;
    }

    /** Exit code of the last incarnation; {@link IllegalStateException} while it runs or before the first start. */
    public synchronized int exitValue() {
        if (process == null || process.isAlive()) {
            throw new IllegalStateException(name + " has not exited");
        }
        return process.exitValue();
    }

    /** SIGKILL, as the OOM killer or a node failure would; waits until the process is gone. */
    public synchronized void kill9() {
        if (process != null) {
            process.destroyForcibly();
            waitGone(process, Duration.ofSeconds(30));
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    public synchronized void stop(Duration grace) {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitGone(process, grace)) {
                process.destroyForcibly();
                waitGone(process, Duration.ofSeconds(30));
            }
        }
    }

    private static boolean waitGone(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Resident set size in KiB (VmRSS), -1 when not running. */
    public long rssKb() {
        return procStatus("VmRSS:");
    }

    private long procStatus(String key) {
        long pid = pid();
        if (pid < 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
        return -1;
    }

    /** User + system CPU time in clock ticks (1/100 s on Linux), from /proc/PID/stat; -1 when not running. */
    public long cpuTicks() {
        long pid = pid();
        if (pid < 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /**
     * Whether this process holds a TCP socket whose local port is {@code port} (Linux: the socket
     * inodes of {@code /proc/net/tcp[6]} against the links in {@code /proc/PID/fd}): tells which of
     * several clients is the sender a server saw on that port.
     */
    public boolean hasTcpSocketOn(int port) {
        long pid = pid();
        if (pid < 0) {
            return false;
        }
        Set<String> inodes = new HashSet<>();
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(hexPort)) {
                        inodes.add("socket:[" + f[9] + "]");
                    }
                }
            } catch (IOException e) {
                // no IPv6 table
            }
        }
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return inodes.contains(Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            });
        } catch (IOException | UncheckedIOException gone) {
            return false;
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Lines of the log containing {@code text}. */
    public List<String> grep(String text) {
        List<String> out = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                if (l.contains(text)) {
                    out.add(l);
                }
            }
        } catch (IOException e) {
            // no log yet
        }
        return out;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + ")";
    }

    /**
     * Sends {@code kill -SIGNAL} to any process, ours or not (a service's decoder worker): SIGSTOP and SIGCONT
     * hold and release it, which {@link ProcessHandle} cannot send.
     */
    public static void signal(String signal, long pid) throws IOException, InterruptedException {
        if (new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
        }
    }
}
