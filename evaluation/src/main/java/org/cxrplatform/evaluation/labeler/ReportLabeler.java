package org.cxrplatform.evaluation.labeler;

import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.findings.FindingsExtractor;

/** Reads the seven findings' states in a report's text. */
@FunctionalInterface
public interface ReportLabeler {

    Map<Finding, FindingState> label(String reportText);

    /** The platform's findings extractor, the one report-service also uses on signed reports. */
    static ReportLabeler platform() {
        FindingsExtractor extractor = new FindingsExtractor();
        return extractor::extract;
    }
}
