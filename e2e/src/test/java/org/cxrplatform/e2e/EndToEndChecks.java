package org.cxrplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.ReportEvent;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.cxrplatform.e2e.harness.Codes;
import org.cxrplatform.e2e.harness.Pipeline;
import org.cxrplatform.e2e.harness.RunningPlatform;
import org.cxrplatform.e2e.harness.StudyFactory;
import org.cxrplatform.e2e.harness.TopicReader;
import org.cxrplatform.findings.FindingsExtractor;
import org.cxrplatform.testsupport.Dcmtk;
import org.cxrplatform.testsupport.RisPeer;
import org.junit.jupiter.api.Test;

/**
 * The pipeline as a hospital sees it: studies sent with DCMTK's storescu reach the RIS as HL7 ORU,
 * the PACS (Orthanc) as DICOM SR and the FHIR API as DiagnosticReports, each exactly once, and the
 * three say the same thing. The checks run against any {@link RunningPlatform}: {@code EndToEndTest}
 * gives them the platform as processes, e2e-containers the platform as containers.
 */
public abstract class EndToEndChecks {

    private static final Duration PIPELINE = Duration.ofSeconds(150);

    @Test
    public void samplesReachRisPacsAndFhirExactlyOnceAndAgree(RunningPlatform p) throws Exception {
        StudyFactory factory = new StudyFactory(p.work().resolve("e2e-studies"), "A");
        List<SampleStudies.Sample> samples = factory.samples();
        // More studies with the pixels of sample 01: the greedy model must write the same report.
        StudyFactory.Study twin1 = factory.make(StudyFactory.Template.ROUTINE_PA);
        StudyFactory.Study twin2 = factory.make(StudyFactory.Template.ROUTINE_PA);
        StudyFactory.Study statTwin = factory.make(StudyFactory.Template.ROUTINE_PA);
        List<Path> files =
                new ArrayList<>(samples.stream().map(SampleStudies.Sample::file).toList());
        files.add(twin1.file());
        files.add(twin2.file());

        if (p.pacs() != null) {
            // As in a hospital, the modality archives to the PACS and a router forwards to us: without PHI in events,
            // report-service fills each SR's patient from the PACS's study (C-FIND) and stores no SR without one.
            List<Path> archive = new ArrayList<>(files);
            archive.add(statTwin.file());
            Dcmtk.Result archived =
                    Dcmtk.storescu("MODALITY", p.pacs().aeTitle(), p.pacs().dicomPort(), archive);
            assertThat(archived.allStored(archive.size()))
                    .as("storescu to the PACS:\n%s", archived.output())
                    .isTrue();
        }
        Dcmtk.Result sent = Dcmtk.storescu(p.callingAe(), p.aeTitle(), p.dicomPort(), files);
        assertThat(sent.allStored(files.size()))
                .as("storescu output:\n%s", sent.output())
                .isTrue();
        // The emergency department's router: cxr.ingest.lanes.stat-calling-aes=ER_ROUTER puts it on STAT.
        Dcmtk.Result er = Dcmtk.storescu("ER_ROUTER", p.aeTitle(), p.dicomPort(), List.of(statTwin.file()));
        assertThat(er.allStored(1)).as("storescu output:\n%s", er.output()).isTrue();

        Set<String> expected = new LinkedHashSet<>();
        samples.stream().filter(SampleStudies.Sample::frontalChest).forEach(s -> expected.add(s.accessionNumber()));
        expected.add(twin1.accessionNumber());
        expected.add(twin2.accessionNumber());
        expected.add(statTwin.accessionNumber());
        Set<String> notChest = new LinkedHashSet<>();
        samples.stream().filter(s -> !"CHEST".equals(s.bodyPart())).forEach(s -> notChest.add(s.accessionNumber()));

        assertThat(Pipeline.awaitOrus(p, expected, PIPELINE))
                .as("accessions without an ORU at the RIS")
                .isEmpty();
        // Let any duplicate that was going to come arrive.
        Thread.sleep(5000);

        FindingsExtractor extractor = new FindingsExtractor();
        for (String accession : expected) {
            List<RisPeer.Oru> orus = p.ris().forAccession(accession);
            assertThat(orus).as("ORUs for %s", accession).hasSize(1);
            RisPeer.Oru oru = orus.get(0);
            assertThat(oru.resultStatus()).as("OBR-25 of an AI draft").isEqualTo("P");
            assertThat(oru.text()).isNotBlank();

            List<JsonNode> fhir = Pipeline.entries(p.api().fhirByAccession(accession));
            assertThat(fhir).as("FHIR DiagnosticReports for %s", accession).hasSize(1);
            JsonNode dr = fhir.get(0);
            JsonNode rest = Pipeline.report(p, Pipeline.id(dr));
            String stored = rest.path("text").asText();
            assertThat(rest.path("accessionNumber").asText()).isEqualTo(accession);
            assertThat(dr.path("status").asText()).isEqualTo("preliminary");
            assertThat(dr.path("conclusion").asText())
                    .as("FHIR conclusion = stored text")
                    .isEqualTo(stored);
            assertThat(oru.text()).as("ORU text = stored text").isEqualTo(stored);

            Map<String, String> expectedFindings = Codes.coded(extractor.extract(stored));
            assertThat(expectedFindings).hasSize(7);
            assertThat(Pipeline.restFindings(rest))
                    .as("REST findings = findings of the text")
                    .isEqualTo(expectedFindings);
            assertThat(oru.findings())
                    .as("ORU coded OBX = findings of the text")
                    .isEqualTo(expectedFindings);
            assertThat(Pipeline.fhirFindings(dr))
                    .as("FHIR observations = findings of the text")
                    .isEqualTo(expectedFindings);
            assertThat(rest.path("modelVersion").asText()).isEqualTo(oru.modelVersion());
        }
        for (String accession : notChest) {
            assertThat(p.ris().forAccession(accession))
                    .as("no report for a non-chest study %s", accession)
                    .isEmpty();
        }

        // Deterministic greedy output: the same pixels give the same report.
        String original =
                p.ris().forAccession(samples.get(0).accessionNumber()).get(0).text();
        assertThat(p.ris().forAccession(twin1.accessionNumber()).get(0).text()).isEqualTo(original);
        assertThat(p.ris().forAccession(twin2.accessionNumber()).get(0).text()).isEqualTo(original);
        // ... whichever lane it took.
        assertThat(p.ris().forAccession(statTwin.accessionNumber()).get(0).text())
                .isEqualTo(original);
        JsonNode statReport = Pipeline.report(
                p,
                Pipeline.id(Pipeline.entries(p.api().fhirByAccession(statTwin.accessionNumber()))
                        .get(0)));
        assertThat(statReport.path("lane").asText()).isEqualTo("STAT");

        // One SR per reported study in the PACS.
        if (p.pacs() != null) {
            Set<String> studies = new LinkedHashSet<>();
            samples.stream().filter(SampleStudies.Sample::frontalChest).forEach(s -> studies.add(s.studyInstanceUid()));
            studies.add(twin1.studyInstanceUid());
            studies.add(twin2.studyInstanceUid());
            studies.add(statTwin.studyInstanceUid());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<String, Integer> sr = p.pacs().srInstancesByStudy();
            while (!studies.stream().allMatch(s -> sr.getOrDefault(s, 0) >= 1) && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                sr.clear();
                sr.putAll(p.pacs().srInstancesByStudy());
            }
            for (String s : studies) {
                assertThat(sr.getOrDefault(s, 0))
                        .as("SR instances in the PACS for study %s", s)
                        .isEqualTo(1);
            }
        }
        assertThat(p.ris().duplicateAccessions()).isEmpty();
    }

    /**
     * Every report inference publishes must be storable and sendable as it is: no U+0000 (PostgreSQL
     * text cannot hold it, HL7 v2 cannot carry it). The tiny model's raw output for sample 04 has one
     * (found by this suite; inference-service now strips C0 controls, report-service too).
     */
    @Test
    public void reportTextsCarryNoNulCharacters(RunningPlatform p) throws Exception {
        StudyFactory factory = new StudyFactory(p.work().resolve("nul-studies"), "N");
        StudyFactory.Study stat = factory.make(StudyFactory.Template.STAT_AP);
        assertThat(Dcmtk.storescu(p.callingAe(), p.aeTitle(), p.dicomPort(), List.of(stat.file()))
                        .allStored(1))
                .isTrue();
        assertThat(Pipeline.awaitOrus(p, List.of(stat.accessionNumber()), PIPELINE))
                .isEmpty();
        for (TopicReader.Rec r : TopicReader.readAll(p.kafkaBootstrapServers(), List.of(Topics.REPORTS))) {
            ReportEvent e = EventJson.read(r.value(), ReportEvent.class);
            assertThat(e.text()).as("report %s text", e.reportId()).doesNotContain("\u0000");
        }
    }

    @Test
    public void oruTextIsExact(RunningPlatform p) throws Exception {
        StudyFactory factory = new StudyFactory(p.work().resolve("exact"), "X");
        StudyFactory.Study s = factory.make(StudyFactory.Template.ROUTINE_PA);
        assertThat(Dcmtk.storescu(p.callingAe(), p.aeTitle(), p.dicomPort(), List.of(s.file()))
                        .allStored(1))
                .isTrue();
        assertThat(Pipeline.awaitOrus(p, List.of(s.accessionNumber()), PIPELINE))
                .isEmpty();
        JsonNode dr =
                Pipeline.entries(p.api().fhirByAccession(s.accessionNumber())).get(0);
        assertThat(p.ris().forAccession(s.accessionNumber()).get(0).text())
                .isEqualTo(dr.path("conclusion").asText());
    }
}
