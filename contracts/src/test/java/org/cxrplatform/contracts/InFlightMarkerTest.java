package org.cxrplatform.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The in-flight marker's text form, which has to survive the broker and fit its metadata limit. */
class InFlightMarkerTest {

    @Test
    void markerRoundTripsAndStoresContiguousOffsetsAsRanges() {
        InFlightMarker m = new InFlightMarker(new TreeSet<>(List.of(12L, 13L, 14L, 15L, 17L, 20L, 21L)), 2, "ab12cd34");
        String text = m.encode();
        assertThat(text).isEqualTo("cxr-inflight deaths=2 by=ab12cd34 offsets=12-15,17,20-21");
        assertThat(InFlightMarker.read(text)).contains(m);
    }

    @Test
    void aBatchOfSixteenStudiesAtLargeOffsetsStaysFarBelowTheBrokerMetadataLimit() {
        TreeSet<Long> offsets = new TreeSet<>();
        for (long o = 9_000_000_000L; o < 9_000_000_016L; o++) {
            offsets.add(o);
        }
        assertThat(new InFlightMarker(offsets, 0, "ab12cd34").encode().length()).isLessThan(100);
    }

    @Test
    void plainCommitsAndOtherToolsMetadataAreNoMarker() {
        assertThat(InFlightMarker.read("")).isEmpty();
        assertThat(InFlightMarker.read(null)).isEmpty();
        assertThat(InFlightMarker.read("written by some other tool")).isEmpty();
        assertThat(InFlightMarker.read("cxr-inflight deaths=0 by=a offsets=")).isEmpty();
    }

    @Test
    void anUnreadableMarkerIsRefusedNamingIt() {
        for (String bad : List.of(
                "cxr-inflight deaths=x by=a offsets=1",
                "cxr-inflight deaths=0 by=a offsets=5-1",
                "cxr-inflight deaths=0 by=a offsets=0-9000000000")) {
            assertThatThrownBy(() -> InFlightMarker.read(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
    }
}
