package org.cxrplatform.ingest.select;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.ingest.config.IngestConfig;

/**
 * Chooses the lane of a selected instance. Instances pulled by a backlog job always go to the
 * routine lane; otherwise priority, requesting location and calling AE can make a study STAT.
 * The decision's reason lands in {@code StudyEvent.priorityReason}.
 *
 * <p>Thread-safe (immutable).
 */
public final class LaneRules {

    public record LaneDecision(Lane lane, String reason) {}

    private final IngestConfig.Lanes settings;
    private final Set<String> statLocations;
    private final Set<String> statAes;

    public LaneRules(IngestConfig.Lanes settings) {
        this.settings = settings;
        this.statLocations = settings.statLocations();
        this.statAes = settings.statCallingAes().orElse(Set.of());
    }

    /**
     * @param backlogJob the backlog job that pulled the instance, or null for pushed instances
     */
    public LaneDecision decide(InstanceHeader h, String callingAe, String backlogJob) {
        if (backlogJob != null) {
            return new LaneDecision(Lane.ROUTINE, "backlog job " + backlogJob);
        }
        String priority = h.requestedProcedurePriority();
        if (priority != null && settings.statPriorities().contains(priority)) {
            return new LaneDecision(Lane.STAT, "RequestedProcedurePriority=" + priority);
        }
        String location = matchLocation("CurrentPatientLocation", h.currentPatientLocation());
        if (location == null) {
            location = matchLocation("InstitutionalDepartmentName", h.institutionalDepartmentName());
        }
        if (location == null) {
            location = matchLocation("RequestingService", h.requestingService());
        }
        if (location != null) {
            return new LaneDecision(Lane.STAT, location);
        }
        if (callingAe != null && statAes.contains(callingAe.trim())) {
            return new LaneDecision(Lane.STAT, "CallingAETitle=" + callingAe.trim());
        }
        return new LaneDecision(Lane.ROUTINE, "no STAT rule matched");
    }

    private String matchLocation(String attribute, String value) {
        if (value == null) {
            return null;
        }
        String upper = value.toUpperCase(Locale.ROOT).trim();
        boolean match = statLocations.contains(upper)
                || Arrays.stream(upper.split("[^A-Z0-9&]+")).anyMatch(statLocations::contains);
        return match ? attribute + "=" + value : null;
    }
}
