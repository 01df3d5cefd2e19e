package org.cxrplatform.containers;

import com.github.dockerjava.api.model.Capability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A {@link Workload} as a Testcontainers container: the rendered user and groups, read-only root,
 * dropped capabilities, no privilege escalation, the engine's default seccomp profile (RuntimeDefault),
 * memory limit, environment, ports; each emptyDir and persistent volume becomes a tmpfs of its size
 * owned by the pod's user (as an fsGroup volume is writable by it), each ConfigMap volume a read-only
 * bind of its files. Services are started once their startup probe answers; a Job runs to completion.
 */
final class WorkloadContainer {

    private WorkloadContainer() {}

    /**
     * @param podman  true on podman 4.3, whose tmpfs over an image directory is root-owned 0755 whatever
     *                the mode: its {@code U} option gives the mount to the container's user instead
     * @param files   where ConfigMap volumes are written for their binds
     * @param logFile the container's output
     */
    static GenericContainer<?> create(Workload w, Network network, boolean podman, Path files, Path logFile) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(w.image()))
                .withNetwork(network)
                .withEnv(w.env())
                .withLogConsumer(frame -> append(logFile, frame));
        // Kubernetes: command replaces the image's entrypoint, args its command.
        if (!w.command().isEmpty()) {
            c.withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(w.command()));
        }
        if (!w.args().isEmpty()) {
            c.withCreateContainerCmdModifier(cmd -> cmd.withCmd(w.args()));
        }
        Map<String, String> tmpfs = new LinkedHashMap<>();
        w.tmpfs()
                .forEach((path, size) ->
                        tmpfs.put(path, "rw" + (size > 0 ? ",size=" + size : "") + (podman ? ",U" : ",mode=1777")));
        c.withTmpFs(tmpfs);
        w.files()
                .forEach((mountPath, data) -> c.withFileSystemBind(
                        writeFiles(files.resolve(w.owner() + mountPath.replace('/', '_')), data)
                                .toString(),
                        mountPath,
                        BindMode.READ_ONLY));
        c.withExposedPorts(w.ports().values().toArray(Integer[]::new));
        c.withCreateContainerCmdModifier(cmd -> {
            if (w.user() != null) {
                cmd.withUser(w.user() + (w.group() == null ? "" : ":" + w.group()));
            }
            var host = cmd.getHostConfig();
            if (w.fsGroup() != null) {
                host.withGroupAdd(List.of(String.valueOf(w.fsGroup())));
            }
            host.withReadonlyRootfs(w.readOnlyRoot());
            if (w.droppedCapabilities().contains("ALL")) {
                host.withCapDrop(Capability.ALL);
            }
            if (w.noPrivilegeEscalation()) {
                host.withSecurityOpts(List.of("no-new-privileges"));
            }
            if (w.memoryLimitBytes() > 0) {
                host.withMemory(w.memoryLimitBytes());
            }
        });
        Workload.HttpProbe startup = w.probes().get("startup");
        if (startup != null) {
            // The kubelet's own budget is printed next to the measured start-up; the wait here is longer
            // so that a loaded CI machine does not fail the suite on speed alone.
            c.waitingFor(Wait.forHttp(startup.path())
                    .forPort(startup.port())
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofSeconds(Math.max(600, startup.budgetSeconds()))));
        } else {
            c.withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(5)));
        }
        return c;
    }

    private static Path writeFiles(Path dir, Map<String, String> data) {
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> e : data.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void append(Path logFile, OutputFrame frame) {
        try {
            Files.writeString(
                    logFile,
                    frame.getUtf8String(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
