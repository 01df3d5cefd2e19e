package org.cxrplatform.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.util.List;
import java.util.Map;
import org.cxrplatform.testsupport.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;

/**
 * Every workload of the rendered chart runs on its image with the container settings the chart gives
 * it, and its probes answer: the settings are really applied (the engine's view of each container and
 * what the process sees inside), the service is ready under them.
 */
@ExtendWith(ContainerPlatformExtension.class)
class ChartSettingsOnImagesTest {

    @Test
    void everyWorkloadOfTheChartRuns(ContainerPlatform p) {
        // ingest (StatefulSet), the two inference lanes, report
        assertThat(p.workloads().keySet())
                .hasSize(4)
                .anyMatch(n -> n.endsWith("-ingest"))
                .anyMatch(n -> n.endsWith("-inference-stat"))
                .anyMatch(n -> n.endsWith("-inference-batch"))
                .anyMatch(n -> n.endsWith("-report"));
        System.out.println("start-up (ms, from container creation to the startup probe's 200): " + p.startMillis());
        p.workloads()
                .forEach((name, w) -> System.out.printf(
                        "  %s: chart start-up budget %d s%n",
                        name, w.probes().get("startup").budgetSeconds()));
    }

    @Test
    void theEngineRunsEachContainerWithTheRenderedSecuritySettings(ContainerPlatform p) {
        p.workloads().forEach((name, w) -> {
            InspectContainerResponse inspect = p.services().get(name).getContainerInfo();
            var host = inspect.getHostConfig();
            assertThat(w.user()).as("%s runAsUser", name).isEqualTo(185L);
            assertThat(inspect.getConfig().getUser()).as("%s user", name).isEqualTo(w.user() + ":" + w.group());
            assertThat(host.getReadonlyRootfs()).as("%s read-only root", name).isTrue();
            assertThat(w.droppedCapabilities()).as("%s drops", name).containsExactly("ALL");
            assertThat(host.getSecurityOpts())
                    .as("%s security options", name)
                    .anyMatch(o -> o.startsWith("no-new-privileges"));
            assertThat(host.getMemory())
                    .as("%s memory limit", name)
                    .isEqualTo(w.memoryLimitBytes())
                    .isPositive();
        });
    }

    @Test
    void insideEachContainerTheProcessIsNonRootWithoutCapabilitiesOnAReadOnlyRoot(ContainerPlatform p)
            throws Exception {
        for (Map.Entry<String, GenericContainer<?>> e : p.services().entrySet()) {
            String name = e.getKey();
            Workload w = p.workloads().get(name);
            GenericContainer<?> c = e.getValue();
            String status = exec(c, "cat", "/proc/1/status");
            assertThat(line(status, "Uid:"))
                    .as("%s uid of the service process", name)
                    .startsWith(w.user() + "\t");
            assertThat(line(status, "Gid:")).as("%s gid", name).startsWith(w.group() + "\t");
            assertThat(line(status, "Groups:"))
                    .as("%s supplementary groups (fsGroup)", name)
                    .contains(String.valueOf(w.fsGroup()));
            assertThat(line(status, "CapEff:"))
                    .as("%s effective capabilities", name)
                    .isEqualTo("0000000000000000");
            assertThat(line(status, "NoNewPrivs:")).as("%s no_new_privs", name).isEqualTo("1");
            Container.ExecResult root = c.execInContainer("touch", "/deployments/written");
            assertThat(root.getExitCode())
                    .as("%s writes its root file system", name)
                    .isNotZero();
            assertThat(root.getStderr())
                    .as("%s: why the root file system refused", name)
                    .contains("Read-only file system");
            for (String path : w.tmpfs().keySet()) {
                Container.ExecResult r = c.execInContainer("touch", path + "/written-by-the-test");
                assertThat(r.getExitCode())
                        .as("%s writes its volume %s: %s", name, path, r.getStderr())
                        .isZero();
            }
        }
    }

    @Test
    void everyProbeOfTheChartAnswersOnItsPort(ContainerPlatform p) {
        p.workloads().forEach((name, w) -> {
            assertThat(w.probes().keySet())
                    .as("%s probes", name)
                    .containsExactlyInAnyOrder("startup", "liveness", "readiness");
            w.probes().forEach((kind, probe) -> {
                String url = "http://127.0.0.1:" + p.services().get(name).getMappedPort(probe.port()) + probe.path();
                assertThat(Http.status(url))
                        .as("%s %s probe %s", name, kind, url)
                        .isEqualTo(200);
            });
        });
    }

    private static String exec(GenericContainer<?> c, String... cmd) throws Exception {
        Container.ExecResult r = c.execInContainer(cmd);
        assertThat(r.getExitCode()).as("%s: %s", List.of(cmd), r.getStderr()).isZero();
        return r.getStdout();
    }

    private static String line(String status, String key) {
        return status.lines()
                .filter(l -> l.startsWith(key))
                .map(l -> l.substring(key.length()).trim())
                .findFirst()
                .orElse("");
    }
}
