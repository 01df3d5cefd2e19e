package org.cxrplatform.report.sr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.cxrplatform.report.ReportConfig.SrKind;
import org.cxrplatform.report.store.ReportStatus;
import org.cxrplatform.report.store.ResultStatus;
import org.cxrplatform.report.store.StoredReport;
import org.cxrplatform.testsupport.Conformance;
import org.cxrplatform.testsupport.Dcmtk;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every SR variant passes dicom3tools' dciodvfy without errors and carries the text and coded findings (dcmtk dsrdump). */
class SrBuilderTest {

    /** The source study as ingest reads it: a DX image, the study's date/time and ids, an HL7 order. */
    static final SourceStudy SOURCE = new SourceStudy(
            "1.2.826.0.1.3680043.8.498.1.1",
            "1.2.840.10008.5.1.4.1.1.1.1",
            LocalDate.of(2026, 11, 27),
            "235501.25",
            "4711",
            "REFERRER^ROSA",
            "PL-9001",
            new SourceStudy.Procedure("36643-5", "LN", "XR Chest 2V"),
            "HL7");

    @TempDir
    Path dir;

    static StoredReport report(Patient patient) {
        return reportOfStudy("1.2.826.0.1.3680043.8.498.1", patient);
    }

    static StoredReport reportOfStudy(String studyInstanceUid, Patient patient) {
        Map<Finding, FindingState> findings = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) {
            findings.put(f, FindingState.NOT_MENTIONED);
        }
        findings.put(Finding.PNEUMOTHORAX, FindingState.PRESENT);
        findings.put(Finding.PLEURAL_EFFUSION, FindingState.ABSENT);
        findings.put(Finding.CARDIOMEGALY, FindingState.UNCERTAIN);
        ModelIdentity model = new ModelIdentity("ECOFRI/CXR-LLAVA-v2", "0123456789abcdef", "p1", "greedy");
        return new StoredReport(
                1,
                "r1",
                studyInstanceUid,
                "1.2.826.0.1.3680043.8.498.2",
                "ACC1",
                model.version(),
                model,
                Lane.STAT,
                1,
                "Large right pneumothorax. No pleural effusion. Heart size may be enlarged.",
                findings,
                "Large right pneumothorax. No pleural effusion. Heart size may be enlarged.",
                findings,
                ReportStatus.DRAFT,
                patient,
                SOURCE,
                null,
                "accession:ACC1",
                Instant.parse("2026-11-28T10:00:00Z"),
                Instant.parse("2026-11-28T10:00:00Z"),
                null,
                null,
                0);
    }

    @ParameterizedTest
    @CsvSource({
        "COMPREHENSIVE,PRELIMINARY,true",
        "COMPREHENSIVE,FINAL,false",
        "COMPREHENSIVE,CORRECTED,true",
        "BASIC_TEXT,FINAL,true",
        "COMPREHENSIVE,WITHDRAWN,false"
    })
    void passesDciodvfyAndDsrdumpWithoutErrors(SrKind kind, ResultStatus status, boolean withPatient) throws Exception {
        Patient patient = withPatient ? new Patient("PID1", "HOSP", "DOE^JANE", LocalDate.of(1950, 3, 4), "F") : null;
        SrBuilder.Built sr = SrBuilder.build(
                report(patient), status, "dr.house", Instant.parse("2026-11-28T11:00:00Z"), kind, "CXR");
        Path file = dir.resolve("sr.dcm");
        Files.write(file, sr.bytes());
        // kept for the conformance statement's examples (target/sr-examples)
        Path examples = Files.createDirectories(Path.of("target", "sr-examples"));
        Files.write(examples.resolve(kind + "-" + status + (withPatient ? "-phi" : "") + ".dcm"), sr.bytes());

        Conformance.Report verify = Conformance.dciodvfy(file);
        assertThat(verify.problems()).as(verify.output()).isEmpty();
        assertThat(verify.output()).contains(kind == SrKind.BASIC_TEXT ? "BasicTextSR" : "ComprehensiveSR");

        String dump = dsrdumpWithoutProblems(file);
        assertThat(dump).contains("Large right pneumothorax. No pleural effusion.");
        String header = run("dcmdump", file.toString());
        // the General Study module is the source study's: a PACS files the SR with it
        assertThat(header)
                .contains("1.2.826.0.1.3680043.8.498.1")
                .contains("(0008,0020) DA [20261127]")
                .contains("(0008,0030) TM [235501.25]")
                .contains("(0020,0010) SH [4711]")
                .contains("REFERRER^ROSA");
        if (kind == SrKind.COMPREHENSIVE) {
            assertThat(dump)
                    .contains("TID 1500 (DCMR)")
                    .contains("Imaging Measurement Report")
                    .contains("Pneumothorax")
                    .contains("Present")
                    .contains("Pleural effusion")
                    .contains("Absent")
                    .contains("Undetermined")
                    .doesNotContain("Atelectasis")
                    // TID 4019 and the device observer: which model, which weights
                    .contains("Algorithm Name")
                    .contains("ECOFRI/CXR-LLAVA-v2")
                    .contains("Algorithm Version")
                    .contains("Algorithm Parameters")
                    .contains("weights sha256:0123456789abcdef; prompt p1; generation greedy")
                    .contains("Device Observer Name")
                    // TID 1600: the image the model read
                    .contains("Image Library")
                    .contains("1.2.826.0.1.3680043.8.498.2")
                    .contains("XR Chest 2V");
            assertThat(header).contains("CurrentRequestedProcedureEvidenceSequence");
        } else {
            assertThat(dump).doesNotContain("Undetermined").doesNotContain("TID 1500");
        }
        assertThat(dump).contains(status == ResultStatus.PRELIMINARY ? "UNVERIFIED" : "VERIFIED");
    }

    @org.junit.jupiter.api.Test
    void aReportOfAnOldEventWithoutSourceFactsIsStillValidAndInventsNoStudyDate() throws Exception {
        StoredReport old = report(null);
        old = new StoredReport(
                old.pk(),
                old.reportId(),
                old.studyInstanceUid(),
                old.sopInstanceUid(),
                old.accessionNumber(),
                old.modelVersion(),
                old.model(),
                old.lane(),
                old.triagePriority(),
                old.aiText(),
                old.aiFindings(),
                old.text(),
                old.findings(),
                old.status(),
                null,
                null,
                null,
                old.orderKey(),
                old.createdAt(),
                old.updatedAt(),
                null,
                null,
                0);
        Path file = dir.resolve("old.dcm");
        Files.write(
                file,
                SrBuilder.build(
                                old,
                                ResultStatus.PRELIMINARY,
                                "ai",
                                Instant.parse("2026-11-28T11:00:00Z"),
                                SrKind.COMPREHENSIVE,
                                "CXR")
                        .bytes());
        assertNoDciodvfyError(file);
        assertThat(dsrdumpWithoutProblems(file)).contains("TID 1500 (DCMR)").contains("Diagnostic imaging study");
        assertThat(run("dcmdump", file.toString())).contains("(0008,0020) DA (no value available)");
    }

    /** dsrdump's own checks (test-support's Conformance: nothing relaxed but its UTF-8 notice); returns its output. */
    static String dsrdumpWithoutProblems(Path file) {
        Conformance.Report dump = Conformance.dsrdump(file);
        assertThat(dump.problems()).as(dump.output()).isEmpty();
        return dump.output();
    }

    static void assertNoDciodvfyError(Path file) {
        Conformance.Report verify = Conformance.dciodvfy(file);
        assertThat(verify.problems()).as(verify.output()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aSignedVersionNamesTheDraftAsPredecessor() throws Exception {
        SrBuilder.Built draft = SrBuilder.build(
                report(null),
                ResultStatus.PRELIMINARY,
                "ai",
                Instant.parse("2026-11-28T10:00:00Z"),
                SrKind.COMPREHENSIVE,
                "CXR");
        SrBuilder.Built read = SrBuilder.Built.of(draft.bytes());
        assertThat(read.sopInstanceUid()).isEqualTo(draft.sopInstanceUid());
        assertThat(read.sopClassUid()).isEqualTo(SrBuilder.COMPREHENSIVE_SR);
        SrBuilder.Built signed = SrBuilder.build(
                report(null),
                ResultStatus.CORRECTED,
                "dr.house",
                Instant.parse("2026-11-28T11:00:00Z"),
                SrKind.COMPREHENSIVE,
                "CXR",
                read);
        Path file = dir.resolve("signed.dcm");
        Files.write(file, signed.bytes());
        assertNoDciodvfyError(file);
        String dump = run("dcmdump", file.toString());
        assertThat(dump).contains("PredecessorDocumentsSequence").contains(draft.sopInstanceUid());
    }

    static String run(String... command) {
        return Dcmtk.run(List.of(command), 60).output();
    }
}
