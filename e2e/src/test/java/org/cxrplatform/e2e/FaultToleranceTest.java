package org.cxrplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.cxrplatform.e2e.harness.Platform;
import org.cxrplatform.e2e.harness.PlatformExtension;
import org.cxrplatform.e2e.harness.Router;
import org.cxrplatform.e2e.harness.StudyFactory;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fault campaign, shortened: inference killed with SIGKILL mid-run and the RIS down for 10 s. */
@Order(2)
@ExtendWith(PlatformExtension.class)
class FaultToleranceTest {

    @Test
    void everyAcceptedStudyReachesTheRisExactlyOnceThroughACrashAndARisOutage(Platform p) throws Exception {
        StudyFactory factory = new StudyFactory(p.work().resolve("fault-studies"), "F");
        FaultCampaign.Plan plan = new FaultCampaign.Plan(
                30,
                1,
                Duration.ofMillis(300),
                List.of(
                        FaultCampaign.Fault.kill(Platform.INFERENCE, Duration.ofSeconds(4), Duration.ofSeconds(1)),
                        FaultCampaign.Fault.risRefuses(Duration.ofSeconds(6), Duration.ofSeconds(10))),
                Duration.ofSeconds(150),
                Router.Mode.STORESCU);
        FaultCampaign.Result r = FaultCampaign.run(p, factory, plan);
        System.out.print(r.table());

        assertThat(r.accepted()).as("studies accepted by ingest").isEqualTo(30);
        assertThat(r.missing()).as("accepted studies without an ORU").isEmpty();
        assertThat(r.duplicates()).as("accessions filed twice at the RIS").isEmpty();
        assertThat(r.dlqForCampaign()).as("dead letters for these studies").isEmpty();
        assertThat(p.inference().starts()).as("inference was really restarted").isGreaterThanOrEqualTo(2);
        assertThat(p.allReady()).isTrue();
    }

    /** The long campaign in-process: {@code mvn -pl e2e verify -De2e.excluded= -Dgroups=campaign}. */
    @Test
    @Tag("campaign")
    void fullCampaign(Platform p) throws Exception {
        StudyFactory factory = new StudyFactory(p.work().resolve("campaign-studies"), "C");
        int studies = Integer.getInteger("e2e.campaign.studies", 1000);
        FaultCampaign.Plan plan = new FaultCampaign.Plan(
                studies,
                2,
                Duration.ofMillis(Math.max(0, 540_000L * 2 / studies - 150)),
                FaultCampaign.fullSchedule(),
                Duration.ofMinutes(30),
                Router.Mode.RAW);
        FaultCampaign.Result r = FaultCampaign.run(p, factory, plan);
        System.out.print(r.table());
        assertThat(r.clean()).as(r.table()).isTrue();
    }
}
