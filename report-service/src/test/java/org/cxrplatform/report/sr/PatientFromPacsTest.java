package org.cxrplatform.report.sr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.devstack.FreePorts;
import org.cxrplatform.report.Fixtures;
import org.cxrplatform.report.ReportConfig.SrKind;
import org.cxrplatform.report.store.ResultStatus;
import org.cxrplatform.testsupport.Conformance;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Orthanc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SR of a report without PHI gets its Patient module from a real PACS (Orthanc) by C-FIND on its Study Instance
 * UID (or by QIDO-RS, for a PACS reached by STOW-RS), and Orthanc then files it in the study it holds; no SR leaves
 * without a patient when the PACS does not hold the study, cannot be asked, or names two patients (the outbox
 * retries and parks those: PacsFhirAlertsTest).
 */
class PatientFromPacsTest {

    static final String OUR_AE = "CXR_AI";
    /** The study of {@link SrBuilderTest#report}, archived at the PACS under a Latin-1 patient name. */
    static final String STUDY = "1.2.826.0.1.3680043.8.498.1";

    static Orthanc pacs;
    static Path source;

    @TempDir
    static Path dir;

    @TempDir
    Path work;

    @BeforeAll
    static void archiveTheSourceStudy() throws Exception {
        pacs = Orthanc.in(dir.resolve("orthanc"))
                .aeTitle("PACS")
                .modality(OUR_AE, FreePorts.next())
                .dicomWeb()
                .start();
        source = Fixtures.image(dir, STUDY, "P-4711", "MÜLLER^JÖRG");
        Dcmtk.Result stored = Dcmtk.storescu("MODALITY", pacs.aeTitle(), pacs.dicomPort(), List.of(source));
        assertThat(stored.allStored(1)).as(stored.output()).isTrue();
    }

    @AfterAll
    static void stopPacs() {
        pacs.close();
    }

    @Test
    void anSrWithoutPatientGetsTheStudysPatientAndThePacsFilesItWithThatStudy() throws Exception {
        SrBuilder.Built sr = draft(STUDY, null);
        PatientFromPacs.Filled filled = lookup(pacs.dicomPort(), OUR_AE).fill(sr.bytes());

        assertThat(filled.fromPacs()).isTrue();
        AttributeList list = read(filled.bytes());
        assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientID))
                .isEqualTo("P-4711");
        assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientName))
                .as("decoded from the PACS's Latin-1, written in the SR's UTF-8")
                .isEqualTo("MÜLLER^JÖRG");
        assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientBirthDate))
                .isEqualTo("19560312");
        assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientSex))
                .isEqualTo("F");
        assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID))
                .as("the same SR object, only its patient added")
                .isEqualTo(sr.sopInstanceUid());
        assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.StudyDate))
                .as("the SR's own General Study values are kept")
                .isEqualTo("20261127");
        Path file = work.resolve("filled.dcm");
        Files.write(file, filled.bytes());
        Conformance.Report verify = Conformance.dciodvfy(file);
        assertThat(verify.problems()).as(verify.output()).isEmpty();
        assertThat(verify.output()).doesNotContain("Patient ID");
        Conformance.Report dump = Conformance.dsrdump(file);
        assertThat(dump.problems()).as(dump.output()).isEmpty();

        Dcmtk.Result stored = Dcmtk.storescu(OUR_AE, pacs.aeTitle(), pacs.dicomPort(), List.of(file));
        assertThat(stored.allStored(1)).as(stored.output()).isTrue();
        JsonNode studies = studiesAtPacs(STUDY);
        assertThat(studies).as("one study at the PACS: the image and the SR").hasSize(1);
        assertThat(studies.get(0).path("Series")).hasSize(2);
        String srId = null;
        for (JsonNode instance : pacs.instancesOfStudy(STUDY)) {
            if (sr.sopInstanceUid()
                    .equals(instance.path("MainDicomTags")
                            .path("SOPInstanceUID")
                            .asText())) {
                srId = instance.path("ID").asText();
            }
        }
        assertThat(srId).as("the SR at the PACS").isNotNull();
        JsonNode tags = pacs.getJson("/instances/" + srId + "/simplified-tags");
        assertThat(tags.path("PatientID").asText()).isEqualTo("P-4711");
        assertThat(tags.path("PatientName").asText()).isEqualTo("MÜLLER^JÖRG");
    }

    @Test
    void anSrThatNamesItsPatientIsSentAsItIsWithoutAQuery() throws Exception {
        SrBuilder.Built sr = draft(STUDY, new Patient("PID1", "HOSP", "DOE^JANE", LocalDate.of(1950, 3, 4), "F"));
        // a PACS nobody listens at: a query would fail
        PatientFromPacs.Filled filled = lookup(FreePorts.next(), OUR_AE).fill(sr.bytes());
        assertThat(filled.fromPacs()).isFalse();
        assertThat(filled.bytes()).isSameAs(sr.bytes());
    }

    @Test
    void noSrLeavesWithoutItsPatient() throws Exception {
        byte[] elsewhere = draft("2.25.1234567890", null).bytes();
        assertThatThrownBy(() -> lookup(pacs.dicomPort(), OUR_AE).fill(elsewhere))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("holds no study 2.25.1234567890")
                .hasMessageContaining("waits");

        byte[] ours = draft(STUDY, null).bytes();
        assertThatThrownBy(() -> lookup(FreePorts.next(), OUR_AE).fill(ours))
                .as("PACS unreachable")
                .isInstanceOf(IOException.class)
                .hasMessageContaining("for the patient of study " + STUDY);
        assertThatThrownBy(() -> lookup(pacs.dicomPort(), "STRANGER").fill(ours))
                .as("a calling AE the PACS does not know")
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not stored without its patient");
    }

    /** Why: Orthanc keys a study by Patient ID and Study Instance UID, so an SR without the patient is filed apart. */
    @Test
    void withoutThePatientThePacsFilesAnSrBesideItsStudy() throws Exception {
        String study = "2.25.555666777";
        Path image = Fixtures.image(work.resolve("img"), study, "P-BESIDE", "BESIDE^PATIENT");
        Path sr = work.resolve("unfilled.dcm");
        Files.write(sr, draft(study, null).bytes());
        assertThat(Dcmtk.storescu("MODALITY", pacs.aeTitle(), pacs.dicomPort(), List.of(image, sr))
                        .allStored(2))
                .isTrue();
        assertThat(studiesAtPacs(study)).hasSize(2);
    }

    @Test
    void aStudyThePacsHoldsUnderTwoPatientsIsNotGuessed() throws Exception {
        String study = "2.25.987654321";
        Path a = Fixtures.image(work.resolve("a"), study, "P-A", "ONE^PATIENT");
        Path b = Fixtures.image(work.resolve("b"), study, "P-B", "OTHER^PATIENT");
        assertThat(Dcmtk.storescu("MODALITY", pacs.aeTitle(), pacs.dicomPort(), List.of(a, b))
                        .allStored(2))
                .isTrue();
        byte[] sr = draft(study, null).bytes();
        assertThatThrownBy(() -> lookup(pacs.dicomPort(), OUR_AE).fill(sr))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("names 2 patients for study " + study);
    }

    @Test
    void aPacsReachedByStowRsIsAskedByQidoRs() throws Exception {
        PatientFromPacs qido =
                PatientFromPacs.qido(URI.create(pacs.dicomWebUrl()), Optional.empty(), Duration.ofSeconds(30));
        byte[] sr = draft(STUDY, null).bytes();
        AttributeList list = read(qido.fill(sr).bytes());
        assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientID))
                .isEqualTo("P-4711");
        assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientName))
                .isEqualTo("MÜLLER^JÖRG");
        assertThat(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientBirthDate))
                .isEqualTo("19560312");

        byte[] elsewhere = draft("2.25.1234567891", null).bytes();
        assertThatThrownBy(() -> qido.fill(elsewhere))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("(QIDO-RS) holds no study 2.25.1234567891");
    }

    /** A draft SR of a report on {@code study}, with {@code patient} or, as without PHI in events, none. */
    static SrBuilder.Built draft(String study, Patient patient) {
        return SrBuilder.build(
                SrBuilderTest.reportOfStudy(study, patient),
                ResultStatus.PRELIMINARY,
                "ai",
                Instant.now(),
                SrKind.COMPREHENSIVE,
                "CXR");
    }

    static PatientFromPacs lookup(int port, String callingAe) {
        return PatientFromPacs.cFind("127.0.0.1", port, pacs.aeTitle(), callingAe);
    }

    static JsonNode studiesAtPacs(String studyInstanceUid) {
        return pacs.postJson(
                "/tools/find",
                "{\"Level\":\"Study\",\"Expand\":true,\"Query\":{\"StudyInstanceUID\":\"" + studyInstanceUid + "\"}}");
    }

    static AttributeList read(byte[] part10) throws Exception {
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(part10)));
        return list;
    }
}
