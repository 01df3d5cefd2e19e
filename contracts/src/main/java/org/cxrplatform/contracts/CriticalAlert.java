package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * A critical finding seen in a report (pneumothorax by default), published on
 * {@link Topics#ALERTS} as soon as it is seen, possibly before the full report.
 *
 * @param schemaVersion    version of the schema this event was written with
 * @param alertId          deterministic: report id + finding, so re-deliveries are recognisable
 * @param reportId         the report this alert comes from
 * @param studyInstanceUid the study
 * @param accessionNumber  RIS order key, may be null
 * @param lane             lane the study came through
 * @param finding          which finding
 * @param state            PRESENT or UNCERTAIN
 * @param excerpt          the report sentence that raised it
 * @param model            who wrote it
 * @param raisedAt         when the alert was raised
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CriticalAlert(
        int schemaVersion,
        String alertId,
        String reportId,
        String studyInstanceUid,
        String accessionNumber,
        Lane lane,
        Finding finding,
        FindingState state,
        String excerpt,
        ModelIdentity model,
        Instant raisedAt)
        implements Event {

    public static final int SCHEMA_VERSION = 1;
    public static final EventType TYPE = new EventType("org.cxrplatform.alert.critical", "critical-alert.v1.json");

    public CriticalAlert {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
        Objects.requireNonNull(finding, "finding");
    }

    @Override
    public EventType type() {
        return TYPE;
    }

    public static String alertIdOf(String reportId, Finding finding) {
        return reportId + "-" + finding.name().toLowerCase();
    }
}
