package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.StudyImage;
import org.cxrplatform.inference.TestStudies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyDecoderTest {

    private final StudyDecoder decoder = new StudyDecoder();

    @Test
    void decodesAnInlineGreyPng() throws Exception {
        StudyEvent event = TestStudies.event("1.2.3", Lane.STAT, 1);
        StudyDecoder.DecodedStudy d = decoder.decode(EventJson.write(event));
        assertThat(d.event().studyInstanceUid()).isEqualTo("1.2.3");
        assertThat(d.image().getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(d.image().getRaster().getSample(5, 7, 0))
                .isEqualTo(TestStudies.image(1).getRaster().getSample(5, 7, 0));
    }

    @Test
    void convertsAColourPngToGrey() throws Exception {
        BufferedImage rgb = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xffffff);
        StudyEvent event = TestStudies.eventWithPng(
                "1.2.4", Lane.ROUTINE, Base64.getEncoder().encodeToString(TestStudies.png(rgb)));
        BufferedImage grey = decoder.decode(EventJson.write(event)).image();
        assertThat(grey.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(grey.getRaster().getSample(0, 0, 0)).isEqualTo(255);
    }

    @Test
    void readsAnImageByFileUri(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("a.png");
        Files.write(png, TestStudies.png(TestStudies.image(3)));
        StudyEvent base = TestStudies.event("1.2.5", Lane.ROUTINE, 3);
        StudyEvent byUri = new StudyEvent(
                base.schemaVersion(),
                base.eventId(),
                base.studyInstanceUid(),
                base.seriesInstanceUid(),
                base.sopInstanceUid(),
                base.accessionNumber(),
                base.lane(),
                null,
                new StudyImage(80, 72, null, png.toUri().toString(), StudyImage.sha256(Files.readAllBytes(png))),
                base.acquisition(),
                null,
                base.receivedAt(),
                null);
        assertThat(decoder.decode(EventJson.write(byUri)).image().getWidth()).isEqualTo(80);

        Files.delete(png);
        assertThatThrownBy(() -> decoder.decode(EventJson.write(byUri)))
                .isInstanceOfSatisfying(
                        StudyDecoder.StudyDecodeException.class,
                        e -> assertThat(e.permanent()).isFalse())
                .hasMessageContaining("not found");
    }

    @Test
    void invalidJsonAndBadImagesArePermanentFailures() {
        assertThatThrownBy(() -> decoder.decode("{nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        StudyDecoder.StudyDecodeException.class,
                        e -> assertThat(e.permanent()).isTrue())
                .hasMessageContaining("not a valid StudyEvent");
        StudyEvent notPng = TestStudies.eventWithPng(
                "1.2.6",
                Lane.STAT,
                Base64.getEncoder().encodeToString("GIF89a nonsense".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> decoder.decode(EventJson.write(notPng)))
                .isInstanceOfSatisfying(StudyDecoder.StudyDecodeException.class, e -> {
                    assertThat(e.permanent()).isTrue();
                    assertThat(e.event().studyInstanceUid()).isEqualTo("1.2.6");
                })
                .hasMessageContaining("undecodable image");
        StudyEvent notBase64 = TestStudies.eventWithPng("1.2.7", Lane.STAT, "%%%");
        assertThatThrownBy(() -> decoder.decode(EventJson.write(notBase64))).hasMessageContaining("not base64");
    }

    @Test
    void aDigestMismatchIsRejected() {
        StudyEvent base = TestStudies.event("1.2.8", Lane.ROUTINE, 4);
        StudyEvent wrong = new StudyEvent(
                base.schemaVersion(),
                base.eventId(),
                base.studyInstanceUid(),
                base.seriesInstanceUid(),
                base.sopInstanceUid(),
                null,
                base.lane(),
                null,
                new StudyImage(80, 72, base.image().pngBase64(), null, "00".repeat(32)),
                null,
                null,
                null,
                null);
        assertThatThrownBy(() -> decoder.decode(EventJson.write(wrong))).hasMessageContaining("sha256 mismatch");
    }
}
