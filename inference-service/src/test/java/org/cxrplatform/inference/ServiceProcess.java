package org.cxrplatform.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged service ({@code target/quarkus-app}) as a child process against this JVM's devstack broker, for the process tests. */
final class ServiceProcess {

    private ServiceProcess() {
    }

    /**
     * @param log      appended to by the child (stdout and stderr)
     * @param env      extra environment (config keys in env form)
     * @param jvmArgs  extra JVM arguments before {@code -jar}
     */
    static Process start(Path log, Map<String, String> env, List<String> jvmArgs) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("package the service first").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", KafkaTestSupport.bootstrap());
        pb.environment().put("QUARKUS_HTTP_PORT", "0");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }
}
