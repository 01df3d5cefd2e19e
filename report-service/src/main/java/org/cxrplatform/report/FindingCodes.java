package org.cxrplatform.report;

import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * The one coding of findings used in HL7 OBX, DICOM SR and FHIR Observations: SNOMED CT for the
 * findings and for present/absent/undetermined, a local code for "not mentioned".
 */
public final class FindingCodes {

    public static final String SNOMED = "SCT";
    public static final String SNOMED_URI = "http://snomed.info/sct";
    public static final String LOCAL = "99CXR";
    public static final String LOCAL_URI = "urn:cxrplatform:codes";

    public record Code(String value, String scheme, String meaning) {
        public String fhirSystem() {
            return SNOMED.equals(scheme) ? SNOMED_URI : LOCAL_URI;
        }
    }

    private static final Map<Finding, Code> FINDINGS = Map.of(
            Finding.ATELECTASIS, new Code("46621007", SNOMED, "Atelectasis"),
            Finding.CARDIOMEGALY, new Code("8186001", SNOMED, "Cardiomegaly"),
            Finding.CONSOLIDATION, new Code("95436008", SNOMED, "Lung consolidation"),
            Finding.PULMONARY_EDEMA, new Code("19242006", SNOMED, "Pulmonary edema"),
            Finding.PLEURAL_EFFUSION, new Code("60046008", SNOMED, "Pleural effusion"),
            Finding.PNEUMOTHORAX, new Code("36118008", SNOMED, "Pneumothorax"),
            Finding.PNEUMONIA, new Code("233604007", SNOMED, "Pneumonia"));

    private static final Map<FindingState, Code> STATES = Map.of(
            FindingState.PRESENT, new Code("52101004", SNOMED, "Present"),
            FindingState.ABSENT, new Code("2667000", SNOMED, "Absent"),
            FindingState.UNCERTAIN, new Code("373068000", SNOMED, "Undetermined"),
            FindingState.NOT_MENTIONED, new Code("NOT_MENTIONED", LOCAL, "Not mentioned in report"));

    private FindingCodes() {}

    public static Code of(Finding finding) {
        return FINDINGS.get(finding);
    }

    public static Code of(FindingState state) {
        return STATES.get(state);
    }
}
