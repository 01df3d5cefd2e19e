package org.cxrplatform.containers;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/**
 * The Docker API Testcontainers talks to ({@code DOCKER_HOST}). A Docker engine's socket is used as it
 * is; where the socket is missing and podman is installed (this project's machines), the suite starts
 * {@code podman system service} on it for its own lifetime.
 */
final class ContainerEngine {

    private static Process service;

    private ContainerEngine() {}

    /** Makes sure the engine answers; returns true when it is podman. */
    static synchronized boolean ensureRunning() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && host.startsWith("unix://") && !answers(Path.of(host.substring("unix://".length())))) {
            startPodman(Path.of(host.substring("unix://".length())));
        }
        var version = DockerClientFactory.instance().client().versionCmd().exec();
        return version.getComponents() != null
                && version.getComponents().stream()
                        .anyMatch(c ->
                                c.getName().toLowerCase(java.util.Locale.ROOT).contains("podman"));
    }

    private static void startPodman(Path socket) {
        try {
            Files.createDirectories(socket.getParent());
            Files.deleteIfExists(socket);
            Path log = socket.resolveSibling("podman-service.log");
            service = new ProcessBuilder(List.of("podman", "system", "service", "--time=0", "unix://" + socket))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "no container engine at " + socket + " and podman cannot be started"
                            + " (install it with scripts/bootstrap.sh, or point DOCKER_HOST at a Docker engine): "
                            + e.getMessage(),
                    e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ContainerEngine::stop, "podman-service-stop"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers(socket)) {
            if (!service.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("podman system service did not answer on " + socket + "; see "
                        + socket.resolveSibling("podman-service.log"));
            }
            sleep(200);
        }
    }

    private static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    static synchronized void stop() {
        if (service != null && service.isAlive()) {
            service.destroy();
            try {
                if (!service.waitFor(20, TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
