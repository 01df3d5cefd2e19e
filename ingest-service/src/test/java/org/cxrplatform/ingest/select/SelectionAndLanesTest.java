package org.cxrplatform.ingest.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.ingest.support.TestConfig;
import org.junit.jupiter.api.Test;

class SelectionAndLanesTest {

    final Selection selection = new Selection(TestConfig.defaults().selection());
    final LaneRules lanes = new LaneRules(TestConfig.of(Map.of(
                    "cxr.ingest.lanes.stat-priorities",
                    "STAT",
                    "cxr.ingest.lanes.stat-locations",
                    "ED,EMERGENCY",
                    "cxr.ingest.lanes.stat-calling-aes",
                    "ER_ROUTER"))
            .lanes());

    static InstanceHeader header(
            String modality,
            String bodyPart,
            String protocol,
            String view,
            String priority,
            String location,
            String department) {
        return new InstanceHeader(
                "1.2.840.10008.5.1.4.1.1.1",
                "1.2.3.4",
                "1.2.3",
                "1.2.3.1",
                "ACC1",
                modality,
                bodyPart,
                protocol,
                null,
                null,
                view,
                priority,
                location,
                department,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                600,
                512,
                1,
                1,
                16,
                12,
                "MONOCHROME2",
                null);
    }

    @Test
    void frontalChestRadiographsAreSelected() {
        assertThat(selection
                        .decide(header("CR", "CHEST", null, "PA", null, null, null))
                        .selected())
                .isTrue();
        assertThat(selection
                        .decide(header("DX", "CHEST", null, "AP", null, null, null))
                        .selected())
                .isTrue();
        assertThat(selection
                        .decide(header("DR", null, "XR CHEST PORTABLE", "AP", null, null, null))
                        .selected())
                .isTrue();
        assertThat(selection
                        .decide(header("DX", "THORAX", null, null, null, null, null))
                        .reason())
                .contains("frontal assumed");
    }

    @Test
    void everythingElseIsSkippedWithAReason() {
        Selection.Decision lateral = selection.decide(header("CR", "CHEST", null, "LL", null, null, null));
        assertThat(lateral.selected()).isFalse();
        assertThat(lateral.code()).isEqualTo("lateral");
        assertThat(lateral.reason()).contains("ViewPosition=LL");
        assertThat(selection
                        .decide(header("CR", "CHEST", "CHEST LAT", null, null, null, null))
                        .code())
                .isEqualTo("lateral");
        assertThat(selection
                        .decide(header("CR", "HAND", null, "PA", null, null, null))
                        .reason())
                .contains("HAND");
        assertThat(selection
                        .decide(header("CT", "CHEST", null, null, null, null, null))
                        .code())
                .isEqualTo("modality");
        assertThat(selection
                        .decide(header("DX", null, "KNEE 2 VIEWS", "AP", null, null, null))
                        .code())
                .isEqualTo("body-part");
    }

    @Test
    void laneRules() {
        InstanceHeader routine = header("CR", "CHEST", null, "PA", "ROUTINE", "WARD 7", "Radiology");
        assertThat(lanes.decide(routine, "ROUTER", null))
                .isEqualTo(new LaneRules.LaneDecision(Lane.ROUTINE, "no STAT rule matched"));
        assertThat(lanes.decide(header("CR", "CHEST", null, "PA", "STAT", null, null), "ROUTER", null)
                        .reason())
                .isEqualTo("RequestedProcedurePriority=STAT");
        assertThat(lanes.decide(header("CR", "CHEST", null, "PA", null, "ED", null), "ROUTER", null)
                        .reason())
                .isEqualTo("CurrentPatientLocation=ED");
        assertThat(lanes.decide(header("CR", "CHEST", null, "PA", null, null, "Emergency Department"), "ROUTER", null)
                        .lane())
                .isEqualTo(Lane.STAT);
        assertThat(lanes.decide(header("CR", "CHEST", null, "PA", null, "MED", "Medicine"), "ROUTER", null)
                        .lane())
                .as("ED must match a word, not a substring")
                .isEqualTo(Lane.ROUTINE);
        assertThat(lanes.decide(routine, "ER_ROUTER", null).reason()).isEqualTo("CallingAETitle=ER_ROUTER");
        assertThat(lanes.decide(header("CR", "CHEST", null, "PA", "STAT", "ED", null), "ER_ROUTER", "job-1"))
                .isEqualTo(new LaneRules.LaneDecision(Lane.ROUTINE, "backlog job job-1"));
    }
}
