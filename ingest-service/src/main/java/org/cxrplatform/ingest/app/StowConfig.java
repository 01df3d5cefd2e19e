package org.cxrplatform.ingest.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Set;

/**
 * Who may STOW ({@code cxr.ingest.stow.*}): tokens are verified by SmallRye JWT with the same
 * {@code mp.jwt.verify.*} settings as report-service; these keys say which roles are admitted.
 */
@ConfigMapping(prefix = "cxr.ingest.stow")
public interface StowConfig {

    /** Roles (the token's {@code groups} claim), any one of which admits a caller. */
    @WithDefault("stow")
    Set<String> roles();

    /** True: callers without a token are admitted too (local runs only; warned at start-up). */
    @WithDefault("false")
    boolean devAuth();
}
