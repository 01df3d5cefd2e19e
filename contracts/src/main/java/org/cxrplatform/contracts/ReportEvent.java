package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * An AI draft report for one study, published by inference-service on {@link Topics#REPORTS},
 * keyed by Study Instance UID. {@code reportId} is derived from the study and the model identity,
 * so a re-delivered study yields the same id and report-service can recognise it.
 *
 * <p>Schema: {@code schemas/report-event.v3.json}. Version 3 added {@code source} (the study event's,
 * copied); version 2 added {@code triagePriority} and {@code model.promptVersion}; events of versions 1
 * and 2 still read.
 *
 * @param schemaVersion     version of the schema this event was written with
 * @param reportId          {@link #reportIdOf(String, String, ModelIdentity)}
 * @param studyInstanceUid  study the report belongs to
 * @param sopInstanceUid    the image that was read
 * @param accessionNumber   RIS order key, may be null
 * @param lane              lane the study came through
 * @param triagePriority    1 (critical finding) .. 3 (nothing critical), orders the worklist
 * @param text              the generated report
 * @param findings          one state per finding, all seven present
 * @param model             who wrote it
 * @param timings           where the time went
 * @param patient           patient identity when PHI in events is enabled, else null
 * @param source            the study event's {@link SourceStudy}, copied (since version 3; null before)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportEvent(
        int schemaVersion,
        String reportId,
        String studyInstanceUid,
        String sopInstanceUid,
        String accessionNumber,
        Lane lane,
        Integer triagePriority,
        String text,
        Map<Finding, FindingState> findings,
        ModelIdentity model,
        Timings timings,
        Patient patient,
        SourceStudy source)
        implements Event {

    public static final int SCHEMA_VERSION = 3;
    public static final EventType TYPE = new EventType("org.cxrplatform.report.generated", "report-event.v3.json");

    public ReportEvent {
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(model, "model");
        findings = findings == null ? Map.of() : Map.copyOf(findings);
    }

    @Override
    public EventType type() {
        return TYPE;
    }

    /** What report-service needs to store, route and deliver a report. */
    @Override
    public void validate() {
        if (lane == null) {
            throw new IllegalArgumentException("ReportEvent " + reportId + " has no lane");
        }
        if (model.modelId() == null || model.modelId().isBlank()) {
            throw new IllegalArgumentException("ReportEvent " + reportId + " has no model.modelId");
        }
        if (triagePriority != null && (triagePriority < 1 || triagePriority > 3)) {
            throw new IllegalArgumentException(
                    "ReportEvent " + reportId + " has triagePriority " + triagePriority + " outside 1..3");
        }
        if (studyInstanceUid.isBlank() || text.isBlank()) {
            throw new IllegalArgumentException("ReportEvent " + reportId + " has a blank study UID or text");
        }
    }

    /** Deterministic report id: the same study read by the same model version gets the same id. */
    public static String reportIdOf(String studyInstanceUid, String sopInstanceUid, ModelIdentity model) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String key = studyInstanceUid + "|" + sopInstanceUid + "|" + model.version();
            byte[] digest = sha.digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }
}
