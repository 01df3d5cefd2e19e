package org.cxrplatform.e2e.harness;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * The coding every output channel must agree on (HL7 OBX CWE, FHIR Observation, DICOM SR): SNOMED CT
 * for the seven findings and for present/absent/undetermined, a local code for not mentioned.
 * Written out here from the standard, not borrowed from report-service, so a wrong code there fails.
 */
public final class Codes {

    private static final Map<Finding, String> FINDING = new EnumMap<>(Map.of(
            Finding.ATELECTASIS, "46621007",
            Finding.CARDIOMEGALY, "8186001",
            Finding.CONSOLIDATION, "95436008",
            Finding.PULMONARY_EDEMA, "19242006",
            Finding.PLEURAL_EFFUSION, "60046008",
            Finding.PNEUMOTHORAX, "36118008",
            Finding.PNEUMONIA, "233604007"));

    private static final Map<FindingState, String> STATE = new EnumMap<>(Map.of(
            FindingState.PRESENT, "52101004",
            FindingState.ABSENT, "2667000",
            FindingState.UNCERTAIN, "373068000",
            FindingState.NOT_MENTIONED, "NOT_MENTIONED"));

    private Codes() {}

    /** Finding code to state code. */
    public static Map<String, String> coded(Map<Finding, FindingState> findings) {
        Map<String, String> out = new LinkedHashMap<>();
        findings.forEach((f, s) -> out.put(FINDING.get(f), STATE.get(s)));
        return out;
    }
}
