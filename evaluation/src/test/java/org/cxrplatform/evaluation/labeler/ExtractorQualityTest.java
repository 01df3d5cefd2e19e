package org.cxrplatform.evaluation.labeler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The platform's extractor on the sets every evaluation prints: each set's labels agree at 0.98 or better. */
class ExtractorQualityTest {

    @Test
    void theExtractorAgreesWithEveryDefaultSet() throws IOException {
        List<ExtractorQuality.SentenceSet> sets = ExtractorQuality.defaultSets();

        assertThat(sets).hasSizeGreaterThanOrEqualTo(2);
        for (ExtractorQuality.SentenceSet set : sets) {
            ExtractorQuality.Result result =
                    ExtractorQuality.measure(set.name(), set.sentences(), ReportLabeler.platform());
            System.out.printf("%s: %d sentences, accuracy %.3f%n", set.name(), result.sentences(), result.accuracy());
            assertThat(result.accuracy()).as(set.name()).isGreaterThanOrEqualTo(0.98);
        }
    }
}
