package org.cxrplatform.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The in-flight marker's text form, which has to survive the broker and fit its metadata limit. */
class InFlightGuardTest {

    @Test
    void markerRoundTripsAndStoresContiguousOffsetsAsRanges() {
        InFlightGuard.Marker m =
                new InFlightGuard.Marker(new TreeSet<>(List.of(12L, 13L, 14L, 15L, 17L, 20L, 21L)), 2, "ab12cd34");
        String text = m.encode();
        assertThat(text).isEqualTo("cxr-inflight deaths=2 by=ab12cd34 offsets=12-15,17,20-21");
        assertThat(InFlightGuard.Marker.decode(text)).isEqualTo(m);
    }

    @Test
    void aBatchOfSixteenStudiesAtLargeOffsetsStaysFarBelowTheBrokerMetadataLimit() {
        TreeSet<Long> offsets = new TreeSet<>();
        for (long o = 9_000_000_000L; o < 9_000_000_016L; o++) {
            offsets.add(o);
        }
        assertThat(new InFlightGuard.Marker(offsets, 0, "ab12cd34").encode().length())
                .isLessThan(100);
    }

    @Test
    void plainCommitsAndUnreadableMarkersAreNoMarker() {
        assertThat(InFlightGuard.Marker.decode("")).isNull();
        assertThat(InFlightGuard.Marker.decode(null)).isNull();
        assertThat(InFlightGuard.Marker.decode("written by some other tool")).isNull();
        assertThat(InFlightGuard.Marker.decode("cxr-inflight deaths=x by=a offsets=1"))
                .isNull();
        assertThat(InFlightGuard.Marker.decode("cxr-inflight deaths=0 by=a offsets="))
                .isNull();
        assertThat(InFlightGuard.Marker.decode("cxr-inflight deaths=0 by=a offsets=5-1"))
                .isNull();
        assertThat(InFlightGuard.Marker.decode("cxr-inflight deaths=0 by=a offsets=0-9000000000"))
                .isNull();
    }
}
