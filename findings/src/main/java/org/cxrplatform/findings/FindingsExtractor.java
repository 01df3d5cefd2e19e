package org.cxrplatform.findings;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * Labels the seven findings in a free-text chest X-ray report, in the spirit of the CheXpert /
 * NegBio labellers: split into sentences (skipping indication and history, see {@code Sections}),
 * find each finding's names (see {@code Vocabulary}), and let negation, uncertainty and
 * pseudo-negation cues (see {@code Cues}) decide each name's state.
 *
 * <p>Across mentions a finding takes the strongest state, PRESENT &gt; UNCERTAIN &gt; ABSENT &gt;
 * NOT_MENTIONED, which is CheXpert's rule: one affirmation outweighs a negation elsewhere
 * ("no effusion on the left. Small right effusion." is an effusion).
 *
 * <p>The same class labels model reports (cxr-llava) and radiologists' signed reports
 * (report-service), so both sides of every comparison are labelled alike. It has no state and
 * depends only on the JDK: one instance can be shared by any number of threads.
 *
 * <pre>{@code
 * Map<Finding, FindingState> labels = new FindingsExtractor().extract(
 *         "No pneumothorax. Cannot exclude a small left pleural effusion.");
 * // PNEUMOTHORAX=ABSENT, PLEURAL_EFFUSION=UNCERTAIN, the five others NOT_MENTIONED
 * }</pre>
 */
public final class FindingsExtractor {

    /** Every finding, NOT_MENTIONED when the report does not speak of it. */
    public Map<Finding, FindingState> extract(String reportText) {
        Map<Finding, FindingState> labels = new EnumMap<>(Finding.class);
        for (Finding finding : Finding.values()) {
            labels.put(finding, FindingState.NOT_MENTIONED);
        }
        for (Mention mention : mentions(reportText)) {
            labels.put(mention.finding(), mention.state());
        }
        return labels;
    }

    /**
     * One mention per finding the report speaks of, in {@link Finding} order: its state and the
     * first sentence that gives it that state.
     */
    public List<Mention> mentions(String reportText) {
        Objects.requireNonNull(reportText, "reportText");
        Map<Finding, Mention> decisive = new EnumMap<>(Finding.class);
        for (String paragraph : Sentences.paragraphs(reportText)) {
            boolean inClinicalContext = false;
            for (String sentence : Sentences.split(paragraph)) {
                String normalised = Sentences.normalise(sentence);
                Optional<String> header = Sections.header(normalised);
                if (header.isPresent()) {
                    inClinicalContext = Sections.isClinicalContext(header.get());
                }
                if (!inClinicalContext) {
                    SentenceLabeller.label(normalised).forEach((finding, state) -> decisive.merge(finding,
                            new Mention(finding, state, sentence), FindingsExtractor::stronger));
                }
            }
        }
        return List.copyOf(decisive.values());
    }

    private static Mention stronger(Mention kept, Mention next) {
        return stronger(kept.state(), next.state()) == kept.state() ? kept : next;
    }

    /** CheXpert's aggregation order; on a tie the first one is kept. */
    static FindingState stronger(FindingState first, FindingState second) {
        return rank(second) > rank(first) ? second : first;
    }

    private static int rank(FindingState state) {
        return switch (state) {
            case PRESENT -> 3;
            case UNCERTAIN -> 2;
            case ABSENT -> 1;
            case NOT_MENTIONED -> 0;
        };
    }
}
