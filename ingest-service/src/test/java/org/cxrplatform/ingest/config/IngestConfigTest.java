package org.cxrplatform.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.cxrplatform.ingest.support.TestConfig;
import org.junit.jupiter.api.Test;

/** The configuration as SmallRye reads it and IngestConfig.validate() checks it at start-up: every refusal names its key. */
class IngestConfigTest {

    @Test
    void aTypoInTheBacklogProtocolIsRefusedNamingTheKeyInsteadOfMeaningDimse() {
        assertThatThrownBy(() -> TestConfig.of(Map.of("cxr.ingest.backlog.protocol", "DICOMWB")))
                .hasMessageContaining("cxr.ingest.backlog.protocol")
                .hasMessageContaining("DICOMWB");
        assertThat(TestConfig.of(Map.of(
                                "cxr.ingest.backlog.protocol",
                                "dicomweb",
                                "cxr.ingest.backlog.dicomweb-url",
                                "http://pacs:8042/dicom-web"))
                        .backlog()
                        .protocol())
                .isEqualTo(IngestConfig.Backlog.Protocol.DICOMWEB);
    }

    @Test
    void settingsThatNeedEachOtherAndValuesOutOfRangeAreAllNamedAtOnce() {
        assertThatThrownBy(() -> TestConfig.of(Map.of(
                        "cxr.ingest.backlog.protocol", "DICOMWEB",
                        "cxr.ingest.orders.tls.enabled", "true",
                        "cxr.ingest.ae-title", "A_TITLE_LONGER_THAN_16",
                        "cxr.ingest.render.max-edge", "10",
                        "cxr.ingest.backlog.rate-per-second", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "cxr.ingest.backlog.dicomweb-url is required with cxr.ingest.backlog.protocol=DICOMWEB")
                .hasMessageContaining(
                        "cxr.ingest.orders.tls.key-store is required with cxr.ingest.orders.tls.enabled=true")
                .hasMessageContaining("cxr.ingest.ae-title must be an AE title of 1-16 characters")
                .hasMessageContaining("cxr.ingest.render.max-edge must be >= 64, was 10")
                .hasMessageContaining("cxr.ingest.backlog.rate-per-second must be > 0");
    }

    @Test
    void anUnknownKeyUnderTheServicesPrefixIsRefused() {
        assertThatThrownBy(() -> TestConfig.of(Map.of("cxr.ingest.backlog.pacs-hostname", "pacs")))
                .hasMessageContaining("cxr.ingest.backlog.pacs-hostname");
    }

    @Test
    void listValuesAreTrimmedAndTermsUpperCasedWhileAeTitlesKeepTheirCase() {
        IngestConfig config = TestConfig.of(Map.of(
                "cxr.ingest.selection.modalities",
                " cr, Dx ",
                "cxr.ingest.allowed-calling-aes",
                " Router1 ,ER_ROUTER"));
        assertThat(config.selection().modalities()).isEqualTo(Set.of("CR", "DX"));
        assertThat(config.scp().allowedCallingAes()).contains(Set.of("Router1", "ER_ROUTER"));
        assertThat(TestConfig.defaults().scp().allowedCallingAes()).isEmpty();
    }

    @Test
    void backlogJobsNeedTheAdministratorRoleUnlessConfiguredOtherwise() {
        assertThat(TestConfig.defaults().jobs().roles()).isEqualTo(Set.of("admin"));
        assertThat(TestConfig.defaults().jobs().devAuth()).isFalse();
        assertThat(TestConfig.of(Map.of("cxr.ingest.jobs.roles", "pacs-admin,ops"))
                        .jobs()
                        .roles())
                .isEqualTo(Set.of("pacs-admin", "ops"));
    }
}
