package org.cxrplatform.contracts;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/** One fully populated instance of every event, as the services write them. */
final class SampleEvents {

    static final ModelIdentity MODEL = new ModelIdentity(
            "ECOFRI/CXR-LLAVA-v2",
            "3b1f0c9a7d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c",
            "cxr-llava-v2-report-1",
            "greedy");

    static final SourceStudy SOURCE = new SourceStudy(
            "1.2.3.4.1",
            "1.2.840.10008.5.1.4.1.1.1.1",
            LocalDate.of(2026, 11, 28),
            "095501.5",
            "4711",
            "Referrer^Rosa",
            "PL-9001",
            new SourceStudy.Procedure("36554-4", "LN", "XR Chest Single view"),
            "HL7");

    static StudyEvent study() {
        return new StudyEvent(
                StudyEvent.SCHEMA_VERSION,
                "9a1c",
                "1.2.3.4",
                "1.2.3.4.1",
                "1.2.3.4.1.1",
                "ACC42",
                Lane.STAT,
                "RequestedProcedurePriority=STAT",
                new StudyImage(2, 1, "iVBORw0KGgo=", null, "a".repeat(64)),
                new Acquisition(
                        "DX",
                        "AP",
                        "CHEST",
                        LocalDate.of(2026, 11, 28),
                        "CHEST AP PORTABLE",
                        "1.2.840.10008.5.1.4.1.1.1.1",
                        "ED_ROUTER",
                        "General Hospital"),
                new Patient("P123", "HOSP", "Doe^Jane", LocalDate.of(1950, 1, 2), "F"),
                Instant.parse("2026-11-28T10:00:00Z"),
                SOURCE);
    }

    static ReportEvent report() {
        return new ReportEvent(
                ReportEvent.SCHEMA_VERSION,
                ReportEvent.reportIdOf("1.2.3.4", "1.2.3.4.1.1", MODEL),
                "1.2.3.4",
                "1.2.3.4.1.1",
                "ACC42",
                Lane.STAT,
                1,
                "Large right pneumothorax.",
                Map.of(Finding.PNEUMOTHORAX, FindingState.PRESENT, Finding.CARDIOMEGALY, FindingState.ABSENT),
                MODEL,
                new Timings(
                        Instant.parse("2026-11-28T10:00:00Z"),
                        Instant.parse("2026-11-28T10:00:01Z"),
                        Instant.parse("2026-11-28T10:00:03Z"),
                        1000,
                        120,
                        60,
                        1800,
                        42,
                        1),
                null,
                SOURCE);
    }

    static CriticalAlert alert() {
        String reportId = report().reportId();
        return new CriticalAlert(
                CriticalAlert.SCHEMA_VERSION,
                CriticalAlert.alertIdOf(reportId, Finding.PNEUMOTHORAX),
                reportId,
                "1.2.3.4",
                "ACC42",
                Lane.STAT,
                Finding.PNEUMOTHORAX,
                FindingState.PRESENT,
                "Large right pneumothorax.",
                MODEL,
                Instant.parse("2026-11-28T10:00:02Z"));
    }

    static DeadLetter deadLetter() {
        return new DeadLetter(
                DeadLetter.SCHEMA_VERSION,
                Stage.INFERENCE,
                "image is not a PNG",
                "IIOException",
                3,
                Topics.STUDIES_ROUTINE,
                "1.2.3.4",
                "eyJub3QiOiJhbiBpbWFnZSJ9",
                null,
                "1.2.3.4",
                Instant.parse("2026-11-28T10:05:00Z"));
    }

    static Map<Event, String> all() {
        return Map.of(
                study(),
                StudyEvent.TYPE.schema(),
                report(),
                ReportEvent.TYPE.schema(),
                alert(),
                CriticalAlert.TYPE.schema(),
                deadLetter(),
                DeadLetter.TYPE.schema());
    }

    private SampleEvents() {}
}
