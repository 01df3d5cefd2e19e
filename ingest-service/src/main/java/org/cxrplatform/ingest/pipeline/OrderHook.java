package org.cxrplatform.ingest.pipeline;

import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.ingest.select.LaneRules;

/**
 * Lets the HL7 order manager set the lane of the instances of its orders and learn which
 * accession numbers arrived by push (so a completed order does not retrieve them again).
 * Implementations must be thread-safe: associations call it concurrently.
 */
public interface OrderHook {

    /**
     * Called for every parsed instance.
     *
     * @param accessionNumber the instance's Accession Number, may be null
     * @param retrieved       true when it came by a C-MOVE this node requested (move originator = our AE)
     * @return the lane of the instance's order, or null when no order claims it
     */
    LaneRules.LaneDecision laneOf(String accessionNumber, boolean retrieved);

    /**
     * The identifiers of the order with this accession number, for the results to be filed with it.
     *
     * @return null when no (uncancelled) order has this accession number
     */
    default Ordered orderOf(String accessionNumber) {
        return null;
    }

    /**
     * @param placerOrderNumber ORC-2 of the order, may be null
     * @param procedure         OBR-4 universal service identifier, may be null
     */
    record Ordered(String placerOrderNumber, SourceStudy.Procedure procedure) {}

    OrderHook NONE = (accessionNumber, retrieved) -> null;
}
