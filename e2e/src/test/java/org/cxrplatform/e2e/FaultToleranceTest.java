package org.cxrplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.cxrplatform.e2e.harness.Platform;
import org.cxrplatform.e2e.harness.PlatformExtension;
import org.cxrplatform.e2e.harness.Router;
import org.cxrplatform.e2e.harness.StudyFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The full-size fault campaign (tag {@code campaign}, on demand) on the suite's platform. The default run's
 * campaign is {@link CrashCampaignTest}, on a platform of its own.
 */
@ExtendWith(PlatformExtension.class)
class FaultToleranceTest {

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
