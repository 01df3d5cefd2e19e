package org.cxrplatform.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.ingest.support.HL7Orders;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Mllp;
import org.cxrplatform.testsupport.Rsyslog;
import org.junit.jupiter.api.Test;

/** What ingest receives reaches the real rsyslog collector as DICOM audit messages: a C-STORE and an HL7 order. */
@QuarkusTest
@QuarkusTestResource(IngestAppResource.class)
@QuarkusTestResource(StowTokensResource.class)
class IngestAuditTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String OBJECT = "/AuditMessage/ParticipantObjectIdentification";

    @Test
    void cStoreIsAuditedAsInstancesTransferredFromTheRouter() throws Exception {
        Path dir = Files.createTempDirectory("audit-samples");
        SampleStudies.Sample pa = SampleStudies.write(dir, 4242).get(0);
        Dcmtk.Result r =
                Dcmtk.storescu("ROUTER", "CXR_AI", IngestAppResource.DICOM_PORT, List.of(), List.of(pa.file()));
        assertThat(r.ok()).as(r.output()).isTrue();

        Rsyslog.Message m = IngestAppResource.collector()
                .await(
                        x -> x.isAuditEvent("110104")
                                && x.xpath(
                                                OBJECT
                                                        + "[ParticipantObjectIDTypeCode/@csd-code='110180']/@ParticipantObjectID")
                                        .equals(pa.studyInstanceUid()),
                        WAIT);
        assertThat(m.appName()).isEqualTo("cxr-ingest-service");
        assertThat(m.input()).isEqualTo("tcp");
        assertThat(m.xpath("/AuditMessage/EventIdentification/@EventActionCode"))
                .isEqualTo("C");
        assertThat(m.xpath("/AuditMessage/EventIdentification/@EventOutcomeIndicator"))
                .isEqualTo("0");
        // the router sent it (requestor, source); we received it (destination)
        assertThat(m.xpath("/AuditMessage/ActiveParticipant[RoleIDCode/@csd-code='110153']/@UserID"))
                .isEqualTo("ROUTER");
        assertThat(m.xpath("/AuditMessage/ActiveParticipant[RoleIDCode/@csd-code='110153']/@UserIsRequestor"))
                .isEqualTo("true");
        assertThat(m.xpath("/AuditMessage/ActiveParticipant[RoleIDCode/@csd-code='110152']/@UserID"))
                .isEqualTo("CXR_AI");
        assertThat(m.xpath("/AuditMessage/ActiveParticipant[RoleIDCode/@csd-code='110152']/@UserIsRequestor"))
                .isEqualTo("false");
        assertThat(m.xpath(OBJECT + "[@ParticipantObjectTypeCode='1']/ParticipantObjectName"))
                .isEqualTo("SAMPLE^JANE^A");
    }

    @Test
    void hl7OrderIsAuditedAsAnImportNamingSenderAccessionAndPatient() throws Exception {
        String accession = "AUD" + System.nanoTime();
        String ack;
        try (Socket s = new Socket("127.0.0.1", IngestAppResource.MLLP_PORT)) {
            OutputStream out = s.getOutputStream();
            out.write(Mllp.frame(HL7Orders.orm("M" + accession, "NW", "", accession, "", "O", "36643-5^XR Chest^LN")));
            out.flush();
            InputStream in = s.getInputStream();
            ack = Mllp.readFrame(in, StandardCharsets.UTF_8);
        }
        assertThat(ack).contains("MSA|AA");

        Rsyslog.Message m = IngestAppResource.collector()
                .await(x -> x.isAuditEvent("110107") && x.text().contains(accession), WAIT);
        assertThat(m.xpath("/AuditMessage/EventIdentification/@EventActionCode"))
                .isEqualTo("C");
        assertThat(m.xpath("/AuditMessage/ActiveParticipant[@UserIsRequestor='true']/@UserID"))
                .isEqualTo("RIS");
        assertThat(m.xpath("/AuditMessage/ActiveParticipant[@UserIsRequestor='true']/@NetworkAccessPointID"))
                .isEqualTo("127.0.0.1");
        assertThat(m.xpath(OBJECT + "[@ParticipantObjectTypeCode='1']/@ParticipantObjectID"))
                .isEqualTo("PID123");
    }
}
