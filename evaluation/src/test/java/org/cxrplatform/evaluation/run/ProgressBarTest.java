package org.cxrplatform.evaluation.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void etaCountsOnlyTheStudiesOfThisRun() {
        AtomicLong nanos = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar =
                new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, nanos::get, 10, 3);
        bar.start();
        nanos.set(4_000_000_000L);
        bar.advance(2);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[0]).contains("3/10  30%").contains("-/study").contains("ETA --:--");
        // 2 studies in 4 s in this run: 2 s each, 5 to go
        assertThat(lines[1])
                .isEqualTo("[###############...............] 5/10  50%  2.00 s/study  elapsed 00:04  ETA 00:10");
    }

    @Test
    void longDurationsShowHours() {
        assertThat(ProgressBar.clock(3 * 3600 + 61)).isEqualTo("3:01:01");
        assertThat(ProgressBar.clock(59.6)).isEqualTo("01:00");
    }
}
