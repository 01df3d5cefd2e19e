package org.cxrplatform.report.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.ModelIdentity;
import org.cxrplatform.contracts.Patient;
import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.report.store.ReportStatus;
import org.cxrplatform.report.store.StoredReport;
import org.cxrplatform.testsupport.Conformance;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The FHIR form of every report state, with and without PHI, passes HAPI's FHIR validator against the
 * R4 core profiles it declares (offline: hapi-fhir-validation-resources-r4), with no error; and names the
 * study, the order, the patient (when allowed) and the model as a Device.
 */
class FhirConformanceTest {

    static StoredReport report(ReportStatus status, int signatures, Patient patient) {
        Map<Finding, FindingState> findings = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) {
            findings.put(f, FindingState.NOT_MENTIONED);
        }
        findings.put(Finding.PNEUMOTHORAX, FindingState.PRESENT);
        findings.put(Finding.CARDIOMEGALY, FindingState.UNCERTAIN);
        ModelIdentity model = new ModelIdentity("ECOFRI/CXR-LLAVA-v2", "0123456789abcdef0123", "p1", "greedy");
        SourceStudy source = new SourceStudy(
                "1.2.826.0.1.3680043.8.498.1.1",
                "1.2.840.10008.5.1.4.1.1.1.1",
                LocalDate.of(2026, 11, 27),
                "235501",
                "4711",
                null,
                "PL-9001",
                new SourceStudy.Procedure("36643-5", "LN", "XR Chest 2V"),
                "HL7");
        Instant created = Instant.parse("2026-11-28T10:00:00Z");
        boolean reviewed = status != ReportStatus.DRAFT;
        return new StoredReport(
                1,
                "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                "1.2.826.0.1.3680043.8.498.1",
                "1.2.826.0.1.3680043.8.498.1.1.1",
                "ACC77",
                model.version(),
                model,
                Lane.ROUTINE,
                2,
                "Large right pneumothorax.",
                findings,
                "Large right pneumothorax.",
                findings,
                status,
                patient,
                source,
                null,
                "accession:ACC77",
                created,
                created.plusSeconds(60),
                reviewed ? "dr.house" : null,
                reviewed ? created.plusSeconds(60) : null,
                signatures);
    }

    @ParameterizedTest
    @CsvSource({
        "DRAFT,0,false,preliminary",
        "ACCEPTED,1,true,final",
        "EDITED,1,false,final",
        "EDITED,2,true,corrected",
        "REJECTED,0,false,cancelled"
    })
    void everyStateValidatesWithoutErrors(ReportStatus status, int signatures, boolean phi, String expected) {
        Patient patient = phi ? new Patient("PID-1", "HOSP", "DOE^JANE", LocalDate.of(1950, 3, 4), "F") : null;
        DiagnosticReport dr = FhirMapper.diagnosticReport(report(status, signatures, patient));
        String json = FhirMapper.json(dr);

        assertThat(Conformance.fhirErrors(json)).as(json).isEmpty();

        assertThat(dr.getStatus().toCode()).isEqualTo(expected);
        assertThat(dr.getMeta().getProfile())
                .extracting(p -> p.getValue())
                .containsExactly(FhirMapper.CORE + "DiagnosticReport");
        assertThat(dr.getImagingStudyFirstRep().getIdentifier().getValue())
                .isEqualTo("urn:oid:1.2.826.0.1.3680043.8.498.1");
        assertThat(dr.getBasedOnFirstRep().getIdentifier().getValue()).isEqualTo("PL-9001");
        assertThat(dr.hasSubject()).isEqualTo(phi);
        org.hl7.fhir.r4.model.Device device = (org.hl7.fhir.r4.model.Device) dr.getContained().stream()
                .filter(r -> r instanceof org.hl7.fhir.r4.model.Device)
                .findFirst()
                .orElseThrow();
        assertThat(device.getDeviceNameFirstRep().getName()).isEqualTo("ECOFRI/CXR-LLAVA-v2");
        assertThat(device.getVersion()).extracting(v -> v.getValue()).contains("sha256:0123456789abcdef0123");
        assertThat(dr.getContained().stream()
                        .filter(r -> r instanceof Observation)
                        .map(r -> (Observation) r))
                .hasSize(7)
                .allSatisfy(o -> assertThat(o.getDevice().getReference()).isEqualTo("#model"));
    }

    @org.junit.jupiter.api.Test
    void theValidatorFindsWhatAReceiverWouldRefuse() {
        DiagnosticReport dr = FhirMapper.diagnosticReport(report(ReportStatus.DRAFT, 0, null));
        dr.setStatus(null); // status and code are 1..1 in the core profile
        dr.setCode(null);
        assertThat(Conformance.fhirErrors(FhirMapper.json(dr)))
                .anySatisfy(e -> assertThat(e).contains("DiagnosticReport.status"))
                .anySatisfy(e -> assertThat(e).contains("DiagnosticReport.code"));
    }
}
