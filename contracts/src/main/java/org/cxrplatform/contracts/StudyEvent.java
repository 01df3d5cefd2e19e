package org.cxrplatform.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * A chest radiograph ready for inference, published by ingest-service on {@link Lane#topic()}.
 * Keyed by Study Instance UID. Carries the identifiers the report must be routed back with,
 * the rendered 8-bit greyscale image (inline PNG or a reference), and acquisition facts the
 * model and the report need. Patient identity travels only when a site enables it.
 *
 * <p>Schema: {@code schemas/study-event.v3.json}. Version 3 added {@code source} (order and study
 * facts for the result messages); version 2 added {@code priorityReason} and {@code image.uri};
 * events of versions 1 and 2 still read (missing fields are null).
 *
 * @param schemaVersion    version of the schema this event was written with
 * @param eventId          unique id of this event (also the CloudEvents {@code ce_id})
 * @param studyInstanceUid (0020,000D)
 * @param seriesInstanceUid (0020,000E)
 * @param sopInstanceUid   (0008,0018) of the image that was rendered
 * @param accessionNumber  (0008,0050), the RIS order's key; may be null when the study has none
 * @param lane             the queue this study waits in
 * @param priorityReason   why it is in that lane (for example "RequestedProcedurePriority=STAT")
 * @param image            the model input
 * @param acquisition      modality, view and other facts of the image
 * @param patient          patient identity, null unless PHI in events is enabled
 * @param receivedAt       when ingest accepted the instance (start of the end-to-end clock)
 * @param source           the study's and the order's identifiers for the results (since version 3)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StudyEvent(
        int schemaVersion,
        String eventId,
        String studyInstanceUid,
        String seriesInstanceUid,
        String sopInstanceUid,
        String accessionNumber,
        Lane lane,
        String priorityReason,
        StudyImage image,
        Acquisition acquisition,
        Patient patient,
        Instant receivedAt,
        SourceStudy source)
        implements Event {

    public static final int SCHEMA_VERSION = 3;
    public static final EventType TYPE = new EventType("org.cxrplatform.study.ready", "study-event.v3.json");

    public StudyEvent {
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(image, "image");
    }

    /**
     * {@link #source()}, or for an event of an earlier version (a rolling upgrade: old ingest, new
     * inference) what its own fields tell: the image's series and SOP class, the study date.
     */
    public SourceStudy sourceOrDerived() {
        if (source != null) {
            return source;
        }
        return new SourceStudy(
                seriesInstanceUid,
                acquisition == null ? null : acquisition.sopClassUid(),
                acquisition == null ? null : acquisition.studyDate(),
                null,
                null,
                null,
                null,
                null,
                null);
    }

    @Override
    public EventType type() {
        return TYPE;
    }
}
