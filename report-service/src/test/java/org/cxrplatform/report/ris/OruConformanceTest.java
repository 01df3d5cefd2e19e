package org.cxrplatform.report.ris;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.store.ReportStatus;
import org.cxrplatform.report.store.ResultStatus;
import org.cxrplatform.report.store.StoredReport;
import org.cxrplatform.testsupport.Conformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every ORU^R01 variant conforms to our message profile ({@code hl7/cxr-oru-r01.xml}, HAPI's
 * conformance validator), and python-hl7 (Debian python3-hl7, independent of HAPI) reads back the
 * fields a RIS files the result by: placer and filler numbers, procedure, study time, accession,
 * patient or its PHI-free stand-in, result status.
 */
class OruConformanceTest {

    static final SourceStudy ORDERED = new SourceStudy(
            "1.2.826.0.1.3680043.8.498.1.1",
            "1.2.840.10008.5.1.4.1.1.1.1",
            LocalDate.of(2026, 11, 28),
            "095501.25",
            "4711",
            "REFERRER^ROSA",
            "PL-9001",
            new SourceStudy.Procedure("36643-5", "LN", "XR Chest 2V"),
            "HL7");
    static final Instant AT = Instant.parse("2026-11-28T11:00:00Z");

    static final ReportConfig.Ris RIS = new Config();

    static Hl7Context hl7;
    static OruBuilder builder;
    /** Our message profile, as the service ships it (MSH-21 names it). */
    static String profile;

    @BeforeAll
    static void setUp() throws Exception {
        hl7 = new Hl7Context();
        builder = new OruBuilder();
        builder.hl7 = hl7;
        try (InputStream in = OruBuilder.class.getResourceAsStream("/hl7/cxr-oru-r01.xml")) {
            profile = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void tearDown() throws IOException {
        hl7.close();
    }

    static StoredReport report(Patient patient, SourceStudy source, String accession, String text) {
        Map<Finding, FindingState> findings = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) {
            findings.put(f, FindingState.NOT_MENTIONED);
        }
        findings.put(Finding.PNEUMOTHORAX, FindingState.PRESENT);
        findings.put(Finding.PLEURAL_EFFUSION, FindingState.ABSENT);
        ModelIdentity model = new ModelIdentity("ECOFRI/CXR-LLAVA-v2", "0123456789abcdef", "p1", "greedy");
        return new StoredReport(
                1,
                "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                "1.2.826.0.1.3680043.8.498.1",
                "1.2.826.0.1.3680043.8.498.1.1.1",
                accession,
                model.version(),
                model,
                Lane.STAT,
                1,
                text,
                findings,
                text,
                findings,
                ReportStatus.DRAFT,
                patient,
                source,
                null,
                "accession:" + accession,
                Instant.parse("2026-11-28T10:00:00Z"),
                Instant.parse("2026-11-28T10:00:00Z"),
                null,
                null,
                0);
    }

    @Test
    void aDraftWithoutPhiNamesTheOrderAndNoInventedPatient() throws Exception {
        String er7 = builder.build(
                RIS,
                report(null, ORDERED, "ACC77", "Large right pneumothorax.\nNo pleural effusion."),
                ResultStatus.PRELIMINARY,
                "CXR1",
                null,
                AT);
        assertConforms(er7);
        Map<String, String> f = independentlyParsed(er7);
        assertThat(f)
                .containsEntry("MSH.F9", "ORU^R01^ORU_R01")
                .containsEntry("MSH.F12", "2.5.1")
                .containsEntry("MSH.F18", "UNICODE UTF-8")
                .containsEntry("MSH.F21", "CXR-ORU-R01-2^CXR_AI")
                .containsEntry("PID.F3", "ACC77^^^^ACSN")
                .containsEntry("PID.F5", "\"\"")
                .containsEntry("ORC.F1", "RE")
                .containsEntry("ORC.F2", "PL-9001")
                .containsEntry("ORC.F3", "0f1e2d3c4b5a6978")
                .containsEntry("OBR.F2", "PL-9001")
                .containsEntry("OBR.F3", "0f1e2d3c4b5a6978")
                .containsEntry("OBR.F4", "36643-5^XR Chest 2V^LN")
                .containsEntry("OBR.F7", "20261128095501")
                .containsEntry("OBR.F18", "ACC77")
                .containsEntry("OBR.F24", "RAD")
                .containsEntry("OBR.F25", "P")
                .containsEntry("OBR.F32", "");
        assertThat(f.get("OBX").lines())
                .contains(
                        "TX|18782-3^Radiology Study observation (narrative)^LN|1|Large right pneumothorax.|P",
                        "TX|18782-3^Radiology Study observation (narrative)^LN|2|No pleural effusion.|P",
                        "CWE|36118008^Pneumothorax^SCT||52101004^Present^SCT|P",
                        "CWE|60046008^Pleural effusion^SCT||2667000^Absent^SCT|P");
    }

    @Test
    void aSignedReportWithPhiCarriesThePatientAndTheRadiologist() throws Exception {
        Patient patient = new Patient("PID-1", "HOSP", "DOE^JANE", LocalDate.of(1950, 3, 4), "F");
        String er7 = builder.build(
                RIS,
                report(patient, ORDERED, "ACC78", "Large right pneumothorax."),
                ResultStatus.FINAL,
                "CXR2",
                "dr.house",
                AT);
        assertConforms(er7);
        Map<String, String> f = independentlyParsed(er7);
        assertThat(f)
                .containsEntry("PID.F3", "PID-1^^^HOSP^MR")
                .containsEntry("PID.F5", "DOE^JANE")
                .containsEntry("PID.F7", "19500304")
                .containsEntry("PID.F8", "F")
                .containsEntry("OBR.F25", "F")
                .containsEntry("OBR.F32", "dr.house");
        assertThat(f.get("OBX").lines()).allSatisfy(obx -> assertThat(obx).endsWith("|F"));

        String corrected = builder.build(
                RIS,
                report(patient, ORDERED, "ACC78", "Small right pneumothorax."),
                ResultStatus.CORRECTED,
                "CXR3",
                "dr.house",
                AT.plusSeconds(60));
        assertConforms(corrected);
        assertThat(independentlyParsed(corrected))
                .containsEntry("OBR.F25", "C")
                .containsEntry("OBR.F3", "0f1e2d3c4b5a6978");
    }

    @Test
    void aRejectedDraftStaysPreliminaryWithEveryObservationWithdrawn() throws Exception {
        String er7 = builder.build(
                RIS, report(null, ORDERED, "ACC79", "Cardiomegaly."), ResultStatus.WITHDRAWN, "CXR4", null, AT);
        assertConforms(er7);
        Map<String, String> f = independentlyParsed(er7);
        assertThat(f).containsEntry("OBR.F25", "P");
        assertThat(f.get("OBX").lines()).allSatisfy(obx -> assertThat(obx).endsWith("|W"));
    }

    @Test
    void withoutOrderFactsThePlacerIsTheAccessionAndTheProcedureTheDocumentedFallback() throws Exception {
        String er7 = builder.build(
                RIS, report(null, null, "ACC80", "No acute findings."), ResultStatus.PRELIMINARY, "CXR5", null, AT);
        assertConforms(er7);
        assertThat(independentlyParsed(er7))
                .containsEntry("ORC.F2", "ACC80")
                .containsEntry("OBR.F2", "ACC80")
                .containsEntry("OBR.F4", "18748-4^Diagnostic imaging study^LN")
                .containsEntry("OBR.F7", "20261128100000+0000")
                .containsEntry("OBR.F18", "ACC80");

        SourceStudy dicomOnly = new SourceStudy(
                null,
                null,
                LocalDate.of(2026, 11, 27),
                null,
                null,
                null,
                null,
                new SourceStudy.Procedure("RPID12", "99HOSP", "CHEST PA"),
                "DICOM");
        String noAccession = builder.build(
                RIS, report(null, dicomOnly, null, "No acute findings."), ResultStatus.PRELIMINARY, "CXR6", null, AT);
        assertConforms(noAccession);
        assertThat(independentlyParsed(noAccession))
                .containsEntry("OBR.F2", "0f1e2d3c4b5a6978")
                .containsEntry("PID.F3", "\"\"")
                .containsEntry("OBR.F4", "RPID12^CHEST PA^99HOSP")
                .containsEntry("OBR.F7", "20261127")
                .containsEntry("OBR.F18", "");
    }

    @Test
    void theProfileCatchesWhatARisWouldRefuse() throws Exception {
        String er7 = builder.build(
                RIS, report(null, ORDERED, "ACC81", "No acute findings."), ResultStatus.PRELIMINARY, "CXR7", null, AT);
        // no universal service identifier, no placer order number
        String broken = er7.replace("|36643-5^XR Chest 2V^LN|", "||").replace("ORC|RE|PL-9001|", "ORC|RE||");
        assertThat(profileErrors(broken))
                .anySatisfy(e -> assertThat(e).contains("Universal Service"))
                .anySatisfy(e -> assertThat(e).contains("Placer Order Number"));
    }

    static void assertConforms(String er7) throws Exception {
        assertThat(profileErrors(er7)).as(er7).isEmpty();
    }

    /** HAPI's conformance validator against our profile (test-support's Conformance); every problem as text. */
    static List<String> profileErrors(String er7) {
        return Conformance.hl7ProfileErrors(er7, profile);
    }

    /** The message as python-hl7 reads it (test-support's Conformance); OBX rows joined by newlines under "OBX". */
    static Map<String, String> independentlyParsed(String er7) {
        return Conformance.hl7Fields(er7);
    }

    /** MSH-3..6 as a site configures them. */
    static final class Config implements ReportConfig.Ris {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public List<ReportConfig.Endpoint> endpoints() {
            return List.of();
        }

        @Override
        public String sendingApplication() {
            return "CXR_AI";
        }

        @Override
        public String sendingFacility() {
            return "CXR_PLATFORM";
        }

        @Override
        public String receivingApplication() {
            return "RIS";
        }

        @Override
        public String receivingFacility() {
            return "HOSPITAL";
        }

        @Override
        public Duration ackTimeout() {
            return Duration.ofSeconds(10);
        }
    }
}
