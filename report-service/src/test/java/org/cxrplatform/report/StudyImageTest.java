package org.cxrplatform.report;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.StudyEvent;
import org.cxrplatform.contracts.StudyImage;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.report.image.ImageConsumer;
import org.junit.jupiter.api.Test;

/** The worklist image: StudyEvent PNG kept by SOP instance, served with auth, purged once the report is signed. */
@QuarkusTest
class StudyImageTest {

    @Inject
    ImageConsumer images;

    static byte[] png(int seed) throws Exception {
        BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 16; x++) {
                img.getRaster().setSample(x, y, 0, (x * 16 + y * 7 + seed) & 0xff);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static void publishStudy(ReportEvent report, Lane lane, byte[] png, String sha) {
        StudyEvent study = new StudyEvent(
                StudyEvent.SCHEMA_VERSION,
                UUID.randomUUID().toString(),
                report.studyInstanceUid(),
                Fixtures.uid(),
                report.sopInstanceUid(),
                report.accessionNumber(),
                lane,
                "test",
                new StudyImage(16, 12, Base64.getEncoder().encodeToString(png), null, sha),
                null,
                null,
                Instant.now(),
                null);
        Fixtures.publish(lane.topic(), study);
    }

    @Test
    void imageIsServedWithAuthAndPurgedAfterSigning() throws Exception {
        ReportEvent report =
                Fixtures.report("IMG-" + UUID.randomUUID().toString().substring(0, 8));
        byte[] png = png(3);
        String sha = StudyImage.sha256(png);
        publishStudy(report, Lane.STAT, png, sha);
        // a second study whose PNG does not match its digest is not kept
        ReportEvent tampered =
                Fixtures.report("IMG-T-" + UUID.randomUUID().toString().substring(0, 6));
        publishStudy(tampered, Lane.ROUTINE, png(9), sha);
        // garbage on the lane is skipped without stopping the channel
        Fixtures.publish(Topics.STUDIES_ROUTINE, "x", "not json".getBytes());
        Fixtures.publish(report);
        Fixtures.publish(tampered);
        StoreAndRisTest.awaitReport(report.reportId());
        StoreAndRisTest.awaitReport(tampered.reportId());

        String path = "/api/reports/" + report.reportId() + "/image";
        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().auth().oauth2(Fixtures.viewer()).get(path).statusCode() == 200);
        byte[] served = given().auth()
                .oauth2(Fixtures.viewer())
                .get(path)
                .then()
                .statusCode(200)
                .contentType("image/png")
                .header("Cache-Control", "private, no-store")
                .extract()
                .asByteArray();
        assertThat(served).isEqualTo(png);
        given().get(path).then().statusCode(401);
        given().auth()
                .oauth2(Fixtures.viewer())
                .get("/api/reports/" + tampered.reportId() + "/image")
                .then()
                .statusCode(404);
        assertThat(given().auth()
                        .oauth2(Fixtures.admin())
                        .get("/api/audit?targetType=report&targetId=" + report.reportId())
                        .then()
                        .extract()
                        .jsonPath()
                        .getList("detail", String.class))
                .contains("image");

        // kept while the draft is pending, gone once signed + retention (7 d: purge as if 8 days later)
        images.purge(Instant.now()
                .plus(Duration.ofDays(8))); // 8 days on, still a pending draft and younger than max-age (30 d)
        given().auth().oauth2(Fixtures.viewer()).get(path).then().statusCode(200);
        given().auth()
                .oauth2(Fixtures.radiologist())
                .post("/api/reports/" + report.reportId() + "/accept")
                .then()
                .statusCode(200);
        images.purge(Instant.now());
        given().auth().oauth2(Fixtures.viewer()).get(path).then().statusCode(200); // within the retention
        images.purge(Instant.now().plus(Duration.ofDays(8)));
        given().auth().oauth2(Fixtures.viewer()).get(path).then().statusCode(404);
    }
}
