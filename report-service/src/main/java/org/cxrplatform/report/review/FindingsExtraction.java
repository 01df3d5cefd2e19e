package org.cxrplatform.report.review;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.findings.FindingsExtractor;

/**
 * Re-reads the findings of an edited report with the platform's {@link FindingsExtractor}, the
 * one that labelled the AI draft, so that draft and signed report are compared alike.
 */
@ApplicationScoped
public class FindingsExtraction {

    private final FindingsExtractor extractor = new FindingsExtractor();

    public Map<Finding, FindingState> extract(String text) {
        return extractor.extract(text);
    }
}
