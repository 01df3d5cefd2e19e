package org.cxrplatform.ingest.scp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Options of the C-STORE/C-ECHO SCP.
 *
 * @param aeTitle            our AE title; associations calling another title are rejected
 * @param bindAddress        address to listen on
 * @param port               TCP port, 0 for any free port
 * @param allowedCallingAes  calling AE titles admitted; empty admits every caller
 * @param maxAssociations    concurrent associations; more are rejected (transient, local limit exceeded)
 * @param maxInstanceBytes   a larger data set is refused with out-of-resources, without being stored
 * @param idleTimeout        socket read timeout: a silent peer is dropped, never holds a thread forever
 * @param incomingDir        where partial files are written before the rename
 */
public record ScpSettings(String aeTitle, String bindAddress, int port, Set<String> allowedCallingAes,
                          int maxAssociations, long maxInstanceBytes, Duration idleTimeout, Path incomingDir) {

    public ScpSettings {
        Objects.requireNonNull(aeTitle, "aeTitle");
        if (aeTitle.isBlank() || aeTitle.length() > 16) {
            throw new IllegalArgumentException("cxr.ingest.scp.ae-title must be 1-16 characters: '" + aeTitle + "'");
        }
        if (maxAssociations < 1) {
            throw new IllegalArgumentException("cxr.ingest.scp.max-associations must be >= 1");
        }
        allowedCallingAes = Set.copyOf(allowedCallingAes);
    }

    public boolean admits(String callingAe) {
        return allowedCallingAes.isEmpty() || allowedCallingAes.contains(callingAe);
    }
}
