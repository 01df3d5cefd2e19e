package org.cxrplatform.devstack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands tests the shared real servers:
 * <pre>{@code
 * @ExtendWith(DevstackExtension.class)
 * class OutboxTest {
 *     @Test void delivers(KafkaBroker kafka, Postgres postgres) { ... }
 * }
 * }</pre>
 * The servers start once per test JVM and outlive the test class.
 */
public final class DevstackExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaBroker.class || type == Postgres.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class ? Devstack.kafka() : Devstack.postgres();
    }
}
