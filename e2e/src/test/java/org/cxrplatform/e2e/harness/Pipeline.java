package org.cxrplatform.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.cxrplatform.contracts.DeadLetter;
import org.cxrplatform.contracts.EventJson;
import org.cxrplatform.contracts.Topics;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.testsupport.RisPeer;
import org.cxrplatform.testsupport.ServiceProcess;

/** What tests and campaigns ask of a running platform: waiting for ORUs, reading the DLQ, the REST/FHIR view of a report. */
public final class Pipeline {

    private Pipeline() {}

    /** Waits until every accession has reached the RIS; returns the accessions still missing at the deadline. */
    public static Set<String> awaitOrus(RunningPlatform p, Collection<String> accessions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> missing;
        do {
            Set<String> seen =
                    p.ris().accepted().stream().map(RisPeer.Oru::accession).collect(Collectors.toSet());
            missing = accessions.stream()
                    .filter(a -> !seen.contains(a))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            if (missing.isEmpty()) {
                return missing;
            }
            ServiceProcess.sleep(500);
        } while (System.nanoTime() < deadline);
        return missing;
    }

    /** Dead letters on cxr.dlq, parsed. */
    public static List<DeadLetter> deadLetters(RunningPlatform p) {
        List<DeadLetter> out = new ArrayList<>();
        for (TopicReader.Rec r : TopicReader.readAll(p.kafkaBootstrapServers(), List.of(Topics.DLQ))) {
            try {
                out.add(EventJson.read(r.value(), DeadLetter.class));
            } catch (RuntimeException e) {
                out.add(new DeadLetter(
                        DeadLetter.SCHEMA_VERSION,
                        org.cxrplatform.contracts.Stage.INGEST,
                        "UNREADABLE DLQ RECORD: " + r.valueText(),
                        null,
                        0,
                        null,
                        r.key(),
                        null,
                        null,
                        null,
                        null));
            }
        }
        return out;
    }

    /** The REST view of one report, by id. */
    public static JsonNode report(RunningPlatform p, String reportId) {
        return p.api().getJson("/api/reports/" + reportId);
    }

    /** REST findings as finding code to state code. */
    public static Map<String, String> restFindings(JsonNode report) {
        Map<Finding, FindingState> m = new LinkedHashMap<>();
        report.path("findings")
                .fields()
                .forEachRemaining(e -> m.put(
                        Finding.valueOf(e.getKey()),
                        FindingState.valueOf(e.getValue().asText())));
        return Codes.coded(m);
    }

    /** FHIR findings (contained Observations) as finding code to state code. */
    public static Map<String, String> fhirFindings(JsonNode diagnosticReport) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode c : diagnosticReport.path("contained")) {
            if ("Observation".equals(c.path("resourceType").asText())) {
                out.put(
                        c.path("code").path("coding").path(0).path("code").asText(),
                        c.path("valueCodeableConcept")
                                .path("coding")
                                .path(0)
                                .path("code")
                                .asText());
            }
        }
        return out;
    }

    /** The DiagnosticReports a FHIR searchset holds. */
    public static List<JsonNode> entries(JsonNode bundle) {
        List<JsonNode> out = new ArrayList<>();
        bundle.path("entry").forEach(e -> out.add(e.path("resource")));
        return out;
    }

    /** Report id of a FHIR DiagnosticReport (its id). */
    public static String id(JsonNode diagnosticReport) {
        return diagnosticReport.path("id").asText();
    }

    /**
     * Where the RIS's order broke the outbox's: per patient, the first arrival of each MSH-10 must
     * follow the ids of their HL7 outbox entries, and all of a patient's entries must be in one line
     * (order key). Empty when the order held.
     *
     * @param entries   the HL7 outbox entries ({@link #hl7OutboxEntries}), read after the ORUs arrived
     * @param patientOf accession to patient ID, for the ORUs to check
     * @param orus      the ORUs the RIS accepted, in arrival order
     */
    public static List<String> patientOrderViolations(
            List<JsonNode> entries, Map<String, String> patientOf, List<RisPeer.Oru> orus) {
        Map<String, Long> entryId = new HashMap<>();
        Map<String, String> line = new HashMap<>();
        for (JsonNode e : entries) {
            entryId.put(e.path("messageId").asText(), e.path("id").asLong());
            line.put(e.path("messageId").asText(), e.path("orderKey").asText());
        }
        Map<String, List<String>> arrivals = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (RisPeer.Oru o : orus) {
            if (patientOf.containsKey(o.accession()) && seen.add(o.controlId())) {
                arrivals.computeIfAbsent(patientOf.get(o.accession()), k -> new ArrayList<>())
                        .add(o.controlId());
            }
        }
        List<String> violations = new ArrayList<>();
        arrivals.forEach((patient, controlIds) -> {
            List<Long> ids =
                    controlIds.stream().map(c -> entryId.getOrDefault(c, -1L)).toList();
            if (ids.contains(-1L)) {
                violations.add(patient + ": an MSH-10 without an outbox entry in " + controlIds);
            } else if (!ids.equals(ids.stream().sorted().toList())) {
                violations.add(patient + ": arrived as entries " + ids + " (MSH-10 " + controlIds + ")");
            }
            List<String> lines = controlIds.stream().map(line::get).distinct().toList();
            if (lines.size() > 1) {
                violations.add(patient + ": entries in " + lines.size() + " lines");
            }
        });
        return violations;
    }

    /** report-service's HL7 outbox entries (id, orderKey, messageId, attempts, status...), oldest first, up to 1000. */
    public static List<JsonNode> hl7OutboxEntries(RunningPlatform p) {
        List<JsonNode> out = new ArrayList<>();
        ReportApi.parse(p.api()
                        .get("/api/outbox?kind=HL7&limit=1000", p.api().adminToken())
                        .body())
                .forEach(out::add);
        return out;
    }

    /** Counts for a summary line. */
    public static Map<String, Object> counts(RunningPlatform p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("orus", p.ris().accepted().size());
        m.put(
                "distinctAccessions",
                p.ris().accepted().stream()
                        .map(RisPeer.Oru::accession)
                        .distinct()
                        .count());
        m.put("duplicates", p.ris().duplicateAccessions().size());
        m.put("retransmissions", p.ris().retransmissions());
        return m;
    }
}
