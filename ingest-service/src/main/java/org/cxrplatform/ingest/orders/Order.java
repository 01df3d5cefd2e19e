package org.cxrplatform.ingest.orders;

import java.time.Instant;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.SourceStudy;

/**
 * A chest radiograph order remembered from HL7 (ORM^O01 / OMI^O23), keyed by accession number.
 *
 * @param accessionNumber IPC-1 (OMI), else OBR-18, else the filler order number (ORC-3/OBR-3)
 * @param placerOrderNumber ORC-2
 * @param procedure       OBR-4 (code^text^coding system)
 * @param lane            STAT for priority S/STAT (ORC-7.6 / OBR-27.6 / TQ1-9) or patient class E (PV1-2)
 * @param laneReason      why
 * @param state           see {@link State}
 * @param detail          last retrieval outcome or error
 */
public record Order(
        String accessionNumber,
        String placerOrderNumber,
        String procedure,
        Lane lane,
        String laneReason,
        State state,
        Instant receivedAt,
        Instant updatedAt,
        String detail) {

    public enum State {
        /** Ordered, not completed yet. */
        SCHEDULED,
        /** Completed; retrieval from the PACS pending or in progress. */
        RETRIEVING,
        /** Retrieved from the PACS (C-MOVE done). */
        RETRIEVED,
        /** Completed, but its images had already arrived by push: nothing retrieved. */
        PUSHED,
        /** Retrieval gave up (no study with the accession number, PACS errors). */
        FAILED,
        /** Cancelled by the placer (ORC-1 CA / DC, ORC-5 CA). */
        CANCELLED
    }

    /** {@link #procedure()} read back ("code^text^system"; orders stored before kept "code^text"); null without a code. */
    public SourceStudy.Procedure procedureCode() {
        String[] parts = procedure == null ? new String[0] : procedure.split("\\^", -1);
        String code = part(parts, 0);
        return code == null ? null : new SourceStudy.Procedure(code, part(parts, 2), part(parts, 1));
    }

    private static String part(String[] parts, int i) {
        return parts.length > i && !parts[i].isBlank() ? parts[i].trim() : null;
    }

    public Order with(State newState, String newDetail) {
        return new Order(
                accessionNumber,
                placerOrderNumber,
                procedure,
                lane,
                laneReason,
                newState,
                receivedAt,
                Instant.now(),
                newDetail);
    }
}
