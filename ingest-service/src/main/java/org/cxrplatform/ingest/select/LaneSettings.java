package org.cxrplatform.ingest.select;

import java.util.Set;

/**
 * Lane rules: any match sends a study to STAT.
 *
 * @param statPriorities  Requested Procedure Priority values meaning emergency (STAT)
 * @param statLocations   location names (whole value or one of its words) of emergency departments,
 *                        matched against Current Patient Location, Institutional Department Name and Requesting Service
 * @param statCallingAes  calling AE titles of emergency routers/modalities
 */
public record LaneSettings(Set<String> statPriorities, Set<String> statLocations, Set<String> statCallingAes) {

    public static LaneSettings defaults() {
        return new LaneSettings(Set.of("STAT"), Set.of("ED", "ER", "EMERGENCY", "A&E"), Set.of());
    }
}
