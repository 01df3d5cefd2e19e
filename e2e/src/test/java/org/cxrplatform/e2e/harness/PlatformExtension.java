package org.cxrplatform.e2e.harness;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes one shared {@link Platform} (started once per test JVM, stopped when the
 * run ends), so the default suite pays the start-up of three services once:
 * {@code @ExtendWith(PlatformExtension.class)} and a {@code Platform} parameter.
 */
public final class PlatformExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PlatformExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        // Platform, or the RunningPlatform the shared checks (EndToEndChecks) ask for.
        return pc.getParameter().getType() == Platform.class
                || pc.getParameter().getType() == RunningPlatform.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        return ec.getRoot()
                .getStore(NS)
                .getOrComputeIfAbsent(
                        "platform",
                        k -> {
                            if (!Platform.packaged()) {
                                throw new IllegalStateException(
                                        "the services are not packaged: run `mvn -B -o -DskipTests install` (or package "
                                                + "ingest-service, inference-service, report-service) before the e2e suite; missing "
                                                + Platform.SERVICES.stream()
                                                        .filter(s -> !java.nio.file.Files.isRegularFile(
                                                                RepoRoot.quarkusJar(s)))
                                                        .toList());
                            }
                            return new Holder(Platform.start(Platform.Options.defaults("suite")));
                        },
                        Holder.class)
                .platform;
    }

    private record Holder(Platform platform) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            platform.close();
        }
    }
}
