package org.cxrplatform.ingest.scp;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One instance received by C-STORE, already safe in the spool.
 *
 * @param file              the Part 10 file (meta header written by this SCP)
 * @param sopClassUid       Affected SOP Class UID of the request
 * @param sopInstanceUid    Affected SOP Instance UID of the request
 * @param transferSyntaxUid the negotiated transfer syntax the data set is encoded in
 * @param callingAeTitle    the peer's AE title
 * @param moveOriginatorAe  Move Originator AE Title when the C-STORE is a C-MOVE sub-operation, else null
 * @param receivedAt        when the last fragment arrived
 */
public record StoreRequest(
        Path file,
        String sopClassUid,
        String sopInstanceUid,
        String transferSyntaxUid,
        String callingAeTitle,
        String moveOriginatorAe,
        Instant receivedAt) {}
