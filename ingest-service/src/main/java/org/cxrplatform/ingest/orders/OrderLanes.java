package org.cxrplatform.ingest.orders;

import java.util.Locale;
import java.util.Set;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.select.LaneRules;

/** The lane of a new order: STAT for an emergency priority (first match wins) or patient class, else ROUTINE. */
final class OrderLanes {

    private final Set<String> statPriorities;
    private final Set<String> statPatientClasses;

    OrderLanes(IngestConfig.Orders config) {
        this.statPriorities = config.statPriorities();
        this.statPatientClasses = config.statPatientClasses();
    }

    LaneRules.LaneDecision decide(ParsedOrder order) {
        for (String prio : order.priorities()) {
            if (prio != null && statPriorities.contains(prio.trim().toUpperCase(Locale.ROOT))) {
                return new LaneRules.LaneDecision(Lane.STAT, "order priority " + prio.trim());
            }
        }
        String patientClass = order.patientClass();
        if (patientClass != null && statPatientClasses.contains(patientClass.toUpperCase(Locale.ROOT))) {
            return new LaneRules.LaneDecision(Lane.STAT, "patient class " + patientClass);
        }
        return new LaneRules.LaneDecision(Lane.ROUTINE, "routine order");
    }
}
