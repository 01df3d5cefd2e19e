package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Where the time of one study went, from ingest to report.
 *
 * @param receivedAt      ingest accepted the instance
 * @param startedAt       inference took it off the lane
 * @param completedAt     the report was ready
 * @param queueMs         time waiting in the lane
 * @param visionMs        vision encoder + projector (shared by the batch)
 * @param prefillMs       prompt prefill (shared by the batch)
 * @param decodeMs        token generation
 * @param generatedTokens number of new tokens
 * @param batchSize       how many studies shared the model call
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Timings(
        Instant receivedAt,
        Instant startedAt,
        Instant completedAt,
        long queueMs,
        long visionMs,
        long prefillMs,
        long decodeMs,
        int generatedTokens,
        int batchSize) {}
