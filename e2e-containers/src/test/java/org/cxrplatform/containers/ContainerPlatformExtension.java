package org.cxrplatform.containers;

import org.cxrplatform.e2e.harness.RunningPlatform;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** One {@link ContainerPlatform} per test JVM, shared by the test classes and removed when the run ends. */
public final class ContainerPlatformExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(ContainerPlatformExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> type = pc.getParameter().getType();
        return type == ContainerPlatform.class || type == RunningPlatform.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        return ec.getRoot()
                .getStore(NS)
                .getOrComputeIfAbsent("platform", k -> new Holder(ContainerPlatform.start()), Holder.class)
                .platform;
    }

    private record Holder(ContainerPlatform platform)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            platform.close();
        }
    }
}
