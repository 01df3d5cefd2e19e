package org.cxrplatform.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.testsupport.ServiceProcess;

/** The packaged service ({@code target/quarkus-app}) as a child process against this JVM's devstack broker, for the process tests. */
final class PackagedService {

    private PackagedService() {}

    /**
     * Not started; every {@code start()} appends to {@code log}. A killed or halted replica never leaves
     * its consumer group, so the restarted one waits for the broker to drop it: the session timeout is
     * the broker's minimum, 6 s, instead of Kafka's 45 s (the wait was 40 of KillNineProcessTest's 70 s).
     *
     * @param env     extra environment (config keys in env form)
     * @param jvmArgs extra JVM arguments
     */
    static ServiceProcess create(Path log, Map<String, String> env, List<String> jvmArgs) {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("package the service first").exists();
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
        jvm.addAll(jvmArgs);
        Map<String, String> allEnv =
                new HashMap<>(Map.of("KAFKA_SESSION_TIMEOUT_MS", "6000", "KAFKA_HEARTBEAT_INTERVAL_MS", "1500"));
        allEnv.putAll(env);
        allEnv.put("KAFKA_BOOTSTRAP_SERVERS", KafkaTestSupport.bootstrap());
        return ServiceProcess.quarkusApp("inference-service", jar, jvm, allEnv, log, FreePorts.next());
    }
}
