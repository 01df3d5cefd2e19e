package org.cxrplatform.ingest.app;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.cxrplatform.testsupport.TestTokens;

/**
 * Creates {@link TestTokens}' key pair before the application starts; {@code %test.mp.jwt.verify.*}
 * in application.properties points the application at it.
 */
public class StowTokensResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestTokens.publicKeyLocation();
        return Map.of();
    }

    @Override
    public void stop() {
        // key files stay in target/ for the next run
    }
}
