package org.cxrplatform.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.cxrplatform.devstack.samples.SampleStudies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validators answer both ways: python-hl7 reads a message and refuses garbage, the profile check says when it
 * cannot check, dsrdump refuses an image as an SR. (report-service's conformance tests run every validator, the FHIR
 * one included, both ways on every ORU, SR and FHIR variant; e2e on what the running platform sent. The FHIR
 * validator is not started here: loading the R4 core profiles costs 20-80 s.)
 */
class ConformanceTest {

    static final String ORU = String.join(
            "\r",
            "MSH|^~\\&|CXR_AI|CXR_PLATFORM|RIS|HOSPITAL|20261128110000||ORU^R01^ORU_R01|CXR1|P|2.5.1",
            "PID|1||ACC1^^^^ACSN",
            "OBR|1|PL-1|F-1|36643-5^XR Chest 2V^LN|||20261128095501|||||||||||ACC1||||||RAD|P",
            "OBX|1|TX|18782-3^Radiology Study observation (narrative)^LN|1|No acute findings.||||||P");

    @Test
    void pythonHl7ReadsTheFieldsAndRefusesGarbage() {
        Map<String, String> f = Conformance.hl7Fields(ORU);
        assertThat(f)
                .containsEntry("MSH.F9", "ORU^R01^ORU_R01")
                .containsEntry("PID.F3", "ACC1^^^^ACSN")
                .containsEntry("OBR.F4", "36643-5^XR Chest 2V^LN")
                .containsEntry("OBR.F18", "ACC1")
                .containsEntry("OBR.F25", "P");
        assertThat(f.get("OBX"))
                .isEqualTo("TX|18782-3^Radiology Study observation (narrative)^LN|1|No acute findings.|P");
        assertThatThrownBy(() -> Conformance.hl7Fields("not HL7 at all"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("python-hl7 could not read");
    }

    @Test
    void theHl7ProfileCheckSaysWhenItCannotCheck() {
        assertThat(Conformance.hl7ProfileErrors(ORU, "<not-a-profile/>"))
                .singleElement()
                .asString()
                .startsWith("not checkable");
    }

    @Test
    void dsrdumpRefusesAnImageAsAStructuredReport(@TempDir Path dir) {
        Path image =
                SampleStudies.writeFrontalChest(dir, SampleStudies.DEFAULT_SEED).file();
        Conformance.Report dump = Conformance.dsrdump(image);
        assertThat(dump.problems()).as(dump.output()).isNotEmpty();
        Conformance.Report verify = Conformance.dciodvfy(image);
        assertThat(verify.output()).as("dciodvfy ran and named the IOD").contains("CR");
    }
}
