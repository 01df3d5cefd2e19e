package org.cxrplatform.findings;

import java.util.Objects;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * What a report says about one finding, and the sentence that says it (quoted in critical alerts
 * and shown to the radiologist).
 *
 * @param finding  the finding
 * @param state    PRESENT, ABSENT or UNCERTAIN; never NOT_MENTIONED
 * @param sentence the report sentence that decided the state, white space collapsed
 */
public record Mention(Finding finding, FindingState state, String sentence) {

    public Mention {
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(sentence, "sentence");
        if (state == FindingState.NOT_MENTIONED) {
            throw new IllegalArgumentException("a mention cannot be NOT_MENTIONED: " + finding);
        }
    }
}
