package org.cxrplatform.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What the events know about themselves: wire identity, dead-letter assembly, image encoding and reading rules. */
class EventRulesTest {

    @Test
    void everyEventNamesItsSchemaWhoseIdIsTheDataSchemaHeaderHasItsOwnTypeAndIsKeyedByItsStudy() throws IOException {
        Set<String> ceTypes = new HashSet<>();
        for (Event event : SampleEvents.all().keySet()) {
            String name = event.getClass().getSimpleName();
            try (InputStream in =
                    Schemas.class.getResourceAsStream("/schemas/" + event.type().schema())) {
                assertThat(in).as(name + " schema on the classpath").isNotNull();
                assertThat(EventJson.mapper().readTree(in).path("$id").asText())
                        .as(name)
                        .isEqualTo("urn:cxrplatform:schema:" + event.type().schema());
            }
            assertThat(ceTypes.add(event.type().ceType()))
                    .as(name + " has a CloudEvents type of its own")
                    .isTrue();
            assertThat(event.key()).as(name).isEqualTo("1.2.3.4");
        }
    }

    @Test
    void aDeadLetterOfARecordKeepsItsBytesAndFallsBackToItsKeyWithoutAStudy() {
        byte[] garbage = {'{', 'n', 'o', 0, (byte) 0xff};
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.REPORTS, 2, 17L, "bad-key", garbage);
        DeadLetter letter =
                DeadLetter.of(Stage.REPORT, record, null, "not a ReportEvent", new IllegalArgumentException("x"), 1);
        assertThat(Base64.getDecoder().decode(letter.originalPayload())).isEqualTo(garbage);
        assertThat(letter.originalTopic()).isEqualTo(Topics.REPORTS);
        assertThat(letter.errorClass()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(letter.schemaVersion()).isEqualTo(DeadLetter.SCHEMA_VERSION);
        assertThat(letter.key()).isEqualTo("bad-key");
        assertThat(DeadLetter.of(Stage.REPORT, record, "1.2.3", "x", null, 5).key())
                .isEqualTo("1.2.3");

        DeadLetter file =
                DeadLetter.ofQuarantined(Stage.INGEST, "1.2.3", "no-pixel-data: empty", "/spool/quarantine/a.dcm");
        assertThat(file.originalPayload()).isNull();
        assertThat(file.payloadRef()).isEqualTo("/spool/quarantine/a.dcm");
        assertThat(file.key()).isEqualTo("1.2.3");
        assertThat(file.attempts()).isEqualTo(1);
    }

    @Test
    void anInlineImageReadsBackCheckedAgainstItsDigestWithWhiteSpaceIgnored() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3};
        StudyImage image = StudyImage.inline(3, 4, png);
        assertThat(image.sha256()).hasSize(64).isLowerCase();
        assertThat(image.inlinePng()).isEqualTo(png);

        String wrapped =
                image.pngBase64().substring(0, 4) + "\r\n " + image.pngBase64().substring(4);
        assertThat(new StudyImage(3, 4, wrapped, null, image.sha256()).inlinePng())
                .isEqualTo(png);
        assertThat(new StudyImage(3, 4, image.pngBase64(), null, null).inlinePng())
                .as("no digest, nothing to check")
                .isEqualTo(png);

        assertThatThrownBy(() -> new StudyImage(3, 4, image.pngBase64(), null, "00".repeat(32)).inlinePng())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256 mismatch");
        assertThatThrownBy(() -> new StudyImage(3, 4, "not*base64", null, null).inlinePng())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not base64");
        assertThatThrownBy(() -> new StudyImage(3, 4, null, "file:/x.png", null).inlinePng())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReportEventAReaderCannotUseIsRefusedOnReadingWithTheRuleItBreaks() {
        String valid = EventJson.writeString(SampleEvents.report());
        assertThat(EventJson.read(valid.getBytes(StandardCharsets.UTF_8), ReportEvent.class))
                .isEqualTo(SampleEvents.report());

        assertThatThrownBy(() -> read(valid.replace("\"lane\":\"STAT\",", "")))
                .isInstanceOf(EventJson.InvalidEventException.class)
                .hasMessageContaining("has no lane");
        assertThatThrownBy(() -> read(valid.replace("\"triagePriority\":1", "\"triagePriority\":4")))
                .hasMessageContaining("triagePriority 4 outside 1..3");
        assertThatThrownBy(() -> read(valid.replace("\"text\":\"Large right pneumothorax.\"", "\"text\":\" \"")))
                .hasMessageContaining("blank study UID or text");
        assertThatThrownBy(() -> read(valid.replace("\"modelId\":\"ECOFRI/CXR-LLAVA-v2\",", "")))
                .hasMessageContaining("no model.modelId");
        assertThatThrownBy(() -> read("null"))
                .isInstanceOf(EventJson.InvalidEventException.class)
                .hasMessage("empty ReportEvent");
    }

    private static ReportEvent read(String json) {
        return EventJson.read(json.getBytes(StandardCharsets.UTF_8), ReportEvent.class);
    }
}
