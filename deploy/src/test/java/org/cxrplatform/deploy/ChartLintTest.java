package org.cxrplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helm lint (Helm's own rules: Chart.yaml, templates render, values schema, YAML validity). */
class ChartLintTest {

    /** The one finding lint may report: Bitnami subcharts are declared but not vendored (see Chart). */
    private static final String MISSING_DEPENDENCIES = "chart directory is missing these dependencies";

    @Test
    void chartLintsCleanWithDefaultValues() {
        LintResult result = new Helm(Chart.DIR).lint().call();
        assertClean(result);
    }

    @Test
    void chartLintsCleanWithProductionValues(@TempDir Path tmp) {
        // helm-java's lint has no --values: lint a copy whose values.yaml is defaults + production overlay.
        ObjectNode merged = Chart.merge(Chart.values(Chart.DEFAULT_VALUES), Chart.values(Chart.PRODUCTION_VALUES));
        Path copy = Chart.copyWithValues(tmp.resolve("cxr-platform"), merged);
        assertClean(new Helm(copy).lint().call());
    }

    @Test
    void chartWithDependenciesInPlaceLintsStrict() {
        // With the subcharts present (what `helm dependency build` leaves), not even a warning remains.
        LintResult result = new Helm(Chart.renderDir()).lint().strict().call();
        assertThat(result.isFailed())
                .as("lint --strict: %s", result.getMessages())
                .isFalse();
        assertThat(result.getMessages())
                .filteredOn(m -> m.contains("[WARNING]") || m.contains("[ERROR]"))
                .isEmpty();
    }

    @Test
    void lintRendersTheTemplatesAndFailsOnValuesTheChartRejects(@TempDir Path tmp) {
        // proves lint is not a no-op: values.schema.json rejects an unknown device (Helm lint reports
        // a template's `fail` only as INFO, so the schema is what makes lint catch bad values)
        ObjectNode values = Chart.values(Chart.DEFAULT_VALUES);
        ((ObjectNode) values.get("inference")).put("device", "tpu");
        LintResult result = new Helm(Chart.copyWithValues(tmp.resolve("cxr-platform"), values))
                .lint()
                .call();
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages()))
                .contains("/inference/device")
                .contains("must be one of");
    }

    @Test
    void clientOnlyInstallDryRunPrintsUsableNotes() {
        // NOTES.txt is not part of `helm template`: render it through a client-only dry-run install
        String prod = new Helm(Chart.renderDir())
                .install()
                .withName(Chart.RELEASE)
                .withNamespace(Chart.NAMESPACE)
                .withKubeVersion(Chart.KUBE_VERSION)
                .withValuesFile(Chart.PRODUCTION_VALUES)
                .clientOnly()
                .dryRun()
                .call()
                .getOutput();
        assertThat(prod)
                .contains("AE title CXR_AI")
                .contains("cxr-cxr-platform-ingest-dicom")
                .contains("stat: reads stat, scales 2..6 on lag of cxr-inference-stat (threshold 2)")
                .contains("batch: reads routine, scales 0..12 on lag of cxr-inference-routine (threshold 100)")
                .doesNotContain("WARNING");
        String defaults = new Helm(Chart.renderDir())
                .install()
                .withName(Chart.RELEASE)
                .withNamespace(Chart.NAMESPACE)
                .withKubeVersion(Chart.KUBE_VERSION)
                .clientOnly()
                .dryRun()
                .call()
                .getOutput();
        // one warning for both token users: no key means every STOW-RS upload, /jobs call and report API call is
        // refused
        assertThat(defaults)
                .contains("WARNING: auth.jwt.publicKeyLocation / publicKeyPem is not set")
                .contains(
                        "ingest-service's STOW-RS (POST /dicomweb/studies) and /jobs and report-service's API and worklist will refuse every token");
    }

    private static void assertClean(LintResult result) {
        List<String> messages = result.getMessages();
        System.out.println("helm lint: " + messages);
        assertThat(result.isFailed()).as("lint failed: %s", messages).isFalse();
        assertThat(messages).filteredOn(m -> m.contains("[ERROR]")).isEmpty();
        assertThat(messages)
                .filteredOn(m -> m.contains("[WARNING]") && !m.contains(MISSING_DEPENDENCIES))
                .isEmpty();
    }
}
