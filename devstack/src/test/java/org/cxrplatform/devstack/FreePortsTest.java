package org.cxrplatform.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void neverHandsOutTheSamePortTwice() {
        // Closed ephemeral ports come back quickly; a broker given one port for two listeners fails to start.
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(ports.add(FreePorts.next())).as("port handed out twice").isTrue();
        }
    }
}
