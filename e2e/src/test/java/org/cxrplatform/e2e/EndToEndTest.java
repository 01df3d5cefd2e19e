package org.cxrplatform.e2e;

import org.cxrplatform.e2e.harness.PlatformExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link EndToEndChecks} on the platform as separate processes on this machine. */
@Order(1)
@ExtendWith(PlatformExtension.class)
class EndToEndTest extends EndToEndChecks {}
