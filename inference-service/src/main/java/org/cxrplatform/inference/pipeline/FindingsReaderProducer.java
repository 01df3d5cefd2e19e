package org.cxrplatform.inference.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.EnumMap;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.findings.FindingsExtractor;
import org.cxrplatform.findings.Mention;

/** The findings reader the service uses: the platform's {@link FindingsExtractor}, shared with report-service. */
@ApplicationScoped
public class FindingsReaderProducer {

    private static final FindingsExtractor EXTRACTOR = new FindingsExtractor();

    /** Findings and the deciding sentence per finding, from {@link FindingsExtractor#mentions(String)}. */
    public static FindingsReader reader() {
        return text -> {
            Map<Finding, FindingsReader.Reading> all = new EnumMap<>(Finding.class);
            for (Finding f : Finding.values()) {
                all.put(f, new FindingsReader.Reading(FindingState.NOT_MENTIONED, null));
            }
            for (Mention m : EXTRACTOR.mentions(text)) {
                all.put(m.finding(), new FindingsReader.Reading(m.state(), m.sentence()));
            }
            return all;
        };
    }

    @Produces
    @ApplicationScoped
    FindingsReader findingsReader() {
        return reader();
    }
}
