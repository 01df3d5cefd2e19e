package org.cxrplatform.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.junit.jupiter.api.Test;

class EventContractTest {

    @Test
    void everyEventRoundTripsAndValidatesAgainstItsSchema() {
        for (Map.Entry<Event, String> e : SampleEvents.all().entrySet()) {
            Event event = e.getKey();
            byte[] json = EventJson.write(event);
            JsonNode tree = readTree(json);
            assertThat(Schemas.validate(e.getValue(), tree))
                    .as("%s against %s", event.getClass().getSimpleName(), e.getValue())
                    .isEmpty();
            assertThat(EventJson.read(json, event.getClass())).isEqualTo(event);
        }
    }

    @Test
    void schemasRejectWhatReadersCannotUse() {
        ObjectNode study = (ObjectNode) readTree(EventJson.write(SampleEvents.study()));
        study.remove("studyInstanceUid");
        assertThat(Schemas.validate(StudyEvent.TYPE.schema(), study))
                .anySatisfy(m -> assertThat(m.getMessage()).contains("studyInstanceUid"));

        ObjectNode report = (ObjectNode) readTree(EventJson.write(SampleEvents.report()));
        ((ObjectNode) report.get("findings")).put("FRACTURE", "PRESENT");
        assertThat(Schemas.validate(ReportEvent.TYPE.schema(), report)).isNotEmpty();

        ObjectNode image = (ObjectNode) study.get("image");
        image.remove("pngBase64");
        assertThat(Schemas.validate(StudyEvent.TYPE.schema(), study)).isNotEmpty();
    }

    @Test
    void eventsWrittenWithThePreviousSchemaVersionStillRead() throws IOException {
        byte[] studyV1 = resource("/compat/study-event.v1.json");
        assertThat(Schemas.validate("study-event.v1.json", readTree(studyV1))).isEmpty();
        StudyEvent study = EventJson.read(studyV1, StudyEvent.class);
        assertThat(study.schemaVersion()).isEqualTo(1);
        assertThat(study.lane()).isEqualTo(Lane.ROUTINE);
        assertThat(study.priorityReason()).isNull();
        assertThat(study.image().uri()).isNull();
        assertThat(study.image().pngBase64()).startsWith("iVBOR");
        assertThat(study.acquisition().studyDate()).isEqualTo(LocalDate.of(2024, 3, 1));

        byte[] reportV1 = resource("/compat/report-event.v1.json");
        assertThat(Schemas.validate("report-event.v1.json", readTree(reportV1))).isEmpty();
        ReportEvent report = EventJson.read(reportV1, ReportEvent.class);
        assertThat(report.triagePriority()).isNull();
        assertThat(report.model().promptVersion()).isNull();
        assertThat(report.findings()).containsEntry(Finding.PLEURAL_EFFUSION, FindingState.PRESENT);
        assertThat(report.model().version()).isEqualTo("ECOFRI/CXR-LLAVA-v2@3b1f0c9a7d2e/null");
    }

    @Test
    void version2EventsStillReadWithoutASourceAndInferenceDerivesWhatItCan() throws IOException {
        byte[] studyV2 = resource("/compat/study-event.v2.json");
        assertThat(Schemas.validate("study-event.v2.json", readTree(studyV2))).isEmpty();
        StudyEvent study = EventJson.read(studyV2, StudyEvent.class);
        assertThat(study.schemaVersion()).isEqualTo(2);
        assertThat(study.source()).isNull();
        SourceStudy derived = study.sourceOrDerived();
        assertThat(derived.seriesInstanceUid()).isEqualTo("1.2.826.0.1.3680043.8.498.1.1");
        assertThat(derived.sopClassUid()).isEqualTo("1.2.840.10008.5.1.4.1.1.1");
        assertThat(derived.studyDate()).isEqualTo(LocalDate.of(2024, 3, 1));
        assertThat(derived.placerOrderNumber()).isNull();

        byte[] reportV2 = resource("/compat/report-event.v2.json");
        assertThat(Schemas.validate("report-event.v2.json", readTree(reportV2))).isEmpty();
        ReportEvent report = EventJson.read(reportV2, ReportEvent.class);
        assertThat(report.source()).isNull();
        assertThat(report.triagePriority()).isEqualTo(3);
    }

    @Test
    void currentEventsAreNotValidUnderThePreviousSchemaOnlyWhereTheyGrew() {
        assertThat(Schemas.validate("study-event.v2.json", readTree(EventJson.write(SampleEvents.study()))))
                .anySatisfy(m -> assertThat(m.getMessage()).contains("source"));
        assertThat(Schemas.validate("report-event.v2.json", readTree(EventJson.write(SampleEvents.report()))))
                .anySatisfy(m -> assertThat(m.getMessage()).contains("source"));
        JsonNode study = readTree(EventJson.write(SampleEvents.study()));
        assertThat(Schemas.validate("study-event.v1.json", study))
                .anySatisfy(m -> assertThat(m.getMessage()).contains("priorityReason"));
    }

    @Test
    void unreadablePayloadsFailWithTheEventTypeAndCause() {
        assertThatThrownBy(() -> EventJson.read("not json".getBytes(StandardCharsets.UTF_8), StudyEvent.class))
                .isInstanceOf(EventJson.InvalidEventException.class)
                .hasMessageStartingWith("not a valid StudyEvent");
        assertThatThrownBy(
                        () -> EventJson.read("{\"lane\":\"STAT\"}".getBytes(StandardCharsets.UTF_8), StudyEvent.class))
                .isInstanceOf(EventJson.InvalidEventException.class)
                .hasMessageContaining("studyInstanceUid");
    }

    @Test
    void reportIdsAreStablePerStudyAndModelVersion() {
        String a = ReportEvent.reportIdOf("1.2.3", "1.2.3.1", SampleEvents.MODEL);
        assertThat(ReportEvent.reportIdOf("1.2.3", "1.2.3.1", SampleEvents.MODEL))
                .isEqualTo(a);
        ModelIdentity other = new ModelIdentity(
                "ECOFRI/CXR-LLAVA-v2",
                "ff" + SampleEvents.MODEL.weightsDigest().substring(2),
                SampleEvents.MODEL.promptVersion(),
                "greedy");
        assertThat(ReportEvent.reportIdOf("1.2.3", "1.2.3.1", other)).isNotEqualTo(a);
        assertThat(ReportEvent.reportIdOf("1.2.4", "1.2.3.1", SampleEvents.MODEL))
                .isNotEqualTo(a);
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = EventContractTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
