package org.cxrplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cxrplatform.e2e.harness.Pipeline;
import org.cxrplatform.e2e.harness.Platform;
import org.cxrplatform.e2e.harness.PlatformExtension;
import org.cxrplatform.e2e.harness.RepoRoot;
import org.cxrplatform.e2e.harness.StudyFactory;
import org.cxrplatform.testsupport.Conformance;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.Http;
import org.cxrplatform.testsupport.RisPeer;
import org.cxrplatform.testsupport.ServiceProcess;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the running platform sends for the sample studies passes the validators an imaging-IT team runs before
 * go-live (issue 17): every ORU^R01 the RIS received for them (drafts, finals, a correction, a withdrawn draft)
 * against our conformance profile with HAPI and read back by python-hl7; every SR the PACS (Orthanc) stored,
 * retrieved from it, through dciodvfy and dsrdump (template identification, no warning); every FHIR
 * DiagnosticReport, with its contained Observations and Device, through HAPI's FHIR R4 validator. The platform
 * runs without PHI in events, so each SR's Patient module comes from report-service's C-FIND at the PACS: the SR
 * must carry the source study's Patient ID and sit in the PACS's one study for its Study Instance UID. Runs last,
 * as its reviews add ORUs to its own accessions.
 */
@Order(6)
@ExtendWith(PlatformExtension.class)
class ResultConformanceTest {

    private static final Duration PIPELINE = Duration.ofSeconds(150);
    /** The four frontal chest samples (CR PA, DX PA MONOCHROME1, DX AP STAT, signed DX): the ones reported on. */
    private static final List<StudyFactory.Template> FRONTAL = List.of(
            StudyFactory.Template.ROUTINE_PA,
            StudyFactory.Template.ROUTINE_DX,
            StudyFactory.Template.STAT_AP,
            StudyFactory.Template.SIGNED);

    @Test
    void orusSrsAndFhirOfTheSampleStudiesPassTheValidators(Platform p) throws Exception {
        StudyFactory factory = new StudyFactory(p.work().resolve("conformance-studies"), "K");
        List<StudyFactory.Study> studies = FRONTAL.stream().map(factory::make).toList();
        List<Path> files = studies.stream().map(StudyFactory.Study::file).toList();
        List<String> accessions =
                studies.stream().map(StudyFactory.Study::accessionNumber).toList();
        // As in a hospital: the modality archives to the PACS, a router forwards the study to us.
        Dcmtk.Result archived =
                Dcmtk.storescu("MODALITY", p.pacs().aeTitle(), p.pacs().dicomPort(), files);
        assertThat(archived.allStored(files.size())).as(archived.output()).isTrue();
        Dcmtk.Result sent = Dcmtk.storescu(p.callingAe(), p.aeTitle(), p.dicomPort(), files);
        assertThat(sent.allStored(files.size())).as(sent.output()).isTrue();
        assertThat(Pipeline.awaitOrus(p, accessions, PIPELINE))
                .as("accessions without an ORU at the RIS")
                .isEmpty();

        // A radiologist's decisions: accept one and correct it later, edit one, reject one, leave one as a draft.
        String radiologist = p.api().token("e2e-conformance-radiologist", "radiologist");
        String first = reportId(p, accessions.get(0));
        decide(p, radiologist, first, "accept", "");
        decide(
                p,
                radiologist,
                reportId(p, accessions.get(1)),
                "edit",
                "{\"text\":\"No acute cardiopulmonary process.\"}");
        decide(p, radiologist, reportId(p, accessions.get(2)), "reject", "{\"reason\":\"motion artefact\"}");
        await().atMost(PIPELINE).until(() -> statuses(p, accessions.get(0)).equals(List.of("P", "F")));
        decide(p, radiologist, first, "edit", "{\"text\":\"Small right pleural effusion.\"}");
        Map<String, List<String>> expected = Map.of(
                accessions.get(0), List.of("P", "F", "C"),
                accessions.get(1), List.of("P", "F"),
                accessions.get(2), List.of("P", "P"),
                accessions.get(3), List.of("P"));
        await().atMost(PIPELINE)
                .until(() -> accessions.stream().allMatch(a -> statuses(p, a).equals(expected.get(a))));

        // 1. HL7 v2: every ORU of these studies conforms to the profile and python-hl7 reads what a RIS files by.
        String profile = oruProfile();
        List<RisPeer.Oru> orus = p.ris().accepted().stream()
                .filter(o -> accessions.contains(o.accession()))
                .toList();
        assertThat(orus).hasSize(8);
        for (RisPeer.Oru oru : orus) {
            assertThat(Conformance.hl7ProfileErrors(oru.encoded(), profile))
                    .as(oru.encoded())
                    .isEmpty();
            Map<String, String> f = Conformance.hl7Fields(oru.encoded());
            assertThat(f.get("OBR.F18")).isEqualTo(oru.accession());
            assertThat(f.get("PID.F3"))
                    .as("no PHI in events: the accession number typed ACSN stands for the patient")
                    .isEqualTo(oru.accession() + "^^^^ACSN");
            assertThat(f.get("OBR.F25")).isEqualTo(oru.resultStatus());
            assertThat(f.get("OBX")).isNotBlank();
        }

        // 2. DICOM SR: every version of every report, as the PACS stored it, passes dciodvfy and dsrdump.
        Map<String, Integer> versions =
                Map.of(accessions.get(0), 3, accessions.get(1), 2, accessions.get(2), 2, accessions.get(3), 1);
        int validated = 0;
        for (StudyFactory.Study s : studies) {
            int want = versions.get(s.accessionNumber());
            List<String> srs = await().atMost(PIPELINE)
                    .until(() -> srInstances(p, s.studyInstanceUid()), found -> found.size() >= want);
            assertThat(p.pacs()
                            .postJson(
                                    "/tools/find",
                                    "{\"Level\":\"Study\",\"Query\":{\"StudyInstanceUID\":\"" + s.studyInstanceUid()
                                            + "\"}}"))
                    .as("the PACS files the SRs with the study (one study, one patient)")
                    .hasSize(1);
            assertThat(srs).hasSize(want);
            for (String id : srs) {
                JsonNode tags = validatedSr(p, id, s);
                assertThat(tags.path("PatientID").asText())
                        .as("the source study's patient, from report-service's C-FIND at the PACS")
                        .isEqualTo(s.patientId());
                assertThat(tags.path("PatientName").asText()).isEqualTo(s.patientName());
                assertThat(tags.path("AccessionNumber").asText()).isEqualTo(s.accessionNumber());
                validated++;
            }
        }
        assertThat(validated).isEqualTo(8);

        // 3. FHIR R4: the DiagnosticReport of each study (Observations and the Device contained) has no error.
        Map<String, String> fhirStatus = Map.of(
                accessions.get(0), "corrected",
                accessions.get(1), "final",
                accessions.get(2), "cancelled",
                accessions.get(3), "preliminary");
        for (String accession : accessions) {
            List<JsonNode> reports = Pipeline.entries(p.api().fhirByAccession(accession));
            assertThat(reports).hasSize(1);
            JsonNode dr = reports.get(0);
            assertThat(dr.path("status").asText()).isEqualTo(fhirStatus.get(accession));
            assertThat(dr.path("contained").findValuesAsText("resourceType")).contains("Observation", "Device");
            String json = dr.toString();
            assertThat(Conformance.fhirErrors(json)).as(json).isEmpty();
        }
        System.out.printf(
                "conformance of the running platform: %d ORUs (HAPI profile + python-hl7), %d SRs from the PACS "
                        + "(dciodvfy + dsrdump), %d FHIR DiagnosticReports (HAPI FHIR R4): no error%n",
                orus.size(), validated, accessions.size());
    }

    /**
     * A site that allows PHI in events (an extra ingest-service with {@code cxr.ingest.phi-in-events=true} on this
     * platform, after SecurityTest's PHI scan): the SR's patient is the event's, without a C-FIND (the study is not
     * at the PACS, so a query would find nothing), and the ORU's PID names the patient; both still pass the validators.
     */
    @Test
    void withPhiInEventsTheSrAndTheOruCarryThePatientFromTheStudy(Platform p) throws Exception {
        ServiceProcess ingest = p.extraInstance(Platform.INGEST, "phi", Map.of("cxr.ingest.phi-in-events", "true"));
        try {
            ingest.start();
            ingest.awaitReady(Duration.ofSeconds(240));
            StudyFactory.Study s =
                    new StudyFactory(p.work().resolve("conformance-phi"), "KP").make(StudyFactory.Template.ROUTINE_PA);
            int dicom = Integer.parseInt(ingest.env().get("CXR_INGEST_DICOM_PORT"));
            Dcmtk.Result sent = Dcmtk.storescu(p.callingAe(), p.aeTitle(), dicom, List.of(s.file()));
            assertThat(sent.allStored(1)).as(sent.output()).isTrue();
            assertThat(Pipeline.awaitOrus(p, List.of(s.accessionNumber()), PIPELINE))
                    .isEmpty();

            RisPeer.Oru oru = p.ris().forAccession(s.accessionNumber()).get(0);
            String profile = oruProfile();
            assertThat(Conformance.hl7ProfileErrors(oru.encoded(), profile))
                    .as(oru.encoded())
                    .isEmpty();
            Map<String, String> f = Conformance.hl7Fields(oru.encoded());
            assertThat(f.get("PID.F3")).startsWith(s.patientId() + "^^^").endsWith("^MR");
            assertThat(f.get("PID.F5")).isEqualTo(s.patientName());

            List<String> srs = await().atMost(PIPELINE)
                    .until(() -> srInstances(p, s.studyInstanceUid()), found -> found.size() == 1);
            JsonNode tags = validatedSr(p, srs.get(0), s);
            assertThat(tags.path("PatientID").asText()).isEqualTo(s.patientId());
            assertThat(tags.path("PatientName").asText()).isEqualTo(s.patientName());
            assertThat(tags.path("PatientBirthDate").asText()).isEqualTo(s.birthDate());
        } finally {
            ingest.stop(Duration.ofSeconds(20));
        }
    }

    /**
     * The SR as the PACS stored it, through dciodvfy (no error) and dsrdump (no warning): a TID 1500 report naming
     * the algorithm and, in its image library, the study's image. Returns its tags as Orthanc read them.
     */
    private static JsonNode validatedSr(Platform p, String orthancId, StudyFactory.Study s) throws Exception {
        Path file = p.work().resolve("conformance-sr-" + orthancId + ".dcm");
        Files.write(file, download(p.pacs().url("/instances/" + orthancId + "/file")));
        Conformance.Report verify = Conformance.dciodvfy(file);
        assertThat(verify.problems()).as(verify.output()).isEmpty();
        Conformance.Report dump = Conformance.dsrdump(file);
        assertThat(dump.problems()).as(dump.output()).isEmpty();
        assertThat(dump.output())
                .contains("TID 1500 (DCMR)")
                .contains("Algorithm Name")
                .contains("Image Library")
                .contains(s.sopInstanceUid());
        return p.pacs().getJson("/instances/" + orthancId + "/simplified-tags");
    }

    /** report-service's HL7 conformance profile, as it ships it (MSH-21 names it). */
    private static String oruProfile() throws Exception {
        return Files.readString(RepoRoot.get().resolve("report-service/src/main/resources/hl7/cxr-oru-r01.xml"));
    }

    private static List<String> statuses(Platform p, String accession) {
        return p.ris().forAccession(accession).stream()
                .map(RisPeer.Oru::resultStatus)
                .toList();
    }

    /** Orthanc ids of the SR instances (SOP Class 1.2.840.10008.5.1.4.1.1.88.x) of a study. */
    private static List<String> srInstances(Platform p, String studyInstanceUid) {
        List<String> out = new ArrayList<>();
        for (JsonNode instance : p.pacs().instancesOfStudy(studyInstanceUid)) {
            String id = instance.path("ID").asText();
            if (p.pacs()
                    .get("/instances/" + id + "/metadata/SopClassUid")
                    .body()
                    .startsWith("1.2.840.10008.5.1.4.1.1.88.")) {
                out.add(id);
            }
        }
        return out;
    }

    private static String reportId(Platform p, String accession) {
        return Pipeline.id(Pipeline.entries(p.api().fhirByAccession(accession)).get(0));
    }

    private static void decide(Platform p, String token, String reportId, String decision, String body) {
        Http.Response r = Http.send(
                "POST",
                p.api().url("/api/reports/" + reportId + "/" + decision),
                "application/json",
                body.getBytes(StandardCharsets.UTF_8),
                Map.of("Authorization", "Bearer " + token));
        assertThat(r.status()).as("%s %s: %s", decision, reportId, r.body()).isEqualTo(200);
    }

    private static byte[] download(String url) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
