package org.cxrplatform.findings;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * Labels the seven findings in a free-text chest X-ray report, in the spirit of the CheXpert /
 * NegBio labellers: the sentences that describe the image (indication and history left out, see
 * {@code ReportText}), the names of each finding and the triggers that negate, hedge or date them
 * ({@code Lexicon}), and the reach of each trigger ({@code SentenceReader}).
 *
 * <p>Across mentions a finding takes the strongest state, PRESENT &gt; UNCERTAIN &gt; ABSENT &gt;
 * NOT_MENTIONED, which is CheXpert's rule: one affirmation outweighs a negation elsewhere
 * ("no effusion on the left. Small right effusion." is an effusion). A finding named only as
 * history ("history of pneumonia") or as the question asked ("evaluate for pneumonia") is not
 * mentioned: the report says nothing about it on this image.
 *
 * <p>The same class labels model reports (cxr-llava, inference-service) and radiologists' signed
 * reports (report-service), so both sides of every comparison are labelled alike. It has no
 * state and depends only on the JDK and the finding codes: one instance can be shared by any
 * number of threads.
 *
 * <pre>{@code
 * Map<Finding, FindingState> labels = new FindingsExtractor().extract(
 *         "No pneumothorax. Cannot exclude a small left pleural effusion.");
 * // PNEUMOTHORAX=ABSENT, PLEURAL_EFFUSION=UNCERTAIN, the five others NOT_MENTIONED
 * }</pre>
 */
public final class FindingsExtractor {

    /** What one sentence says about the findings it names. */
    record SentenceReading(ReportText.Sentence sentence, List<SentenceReader.Reading> readings) {}

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
        Map<Finding, Mention> decisive = new EnumMap<>(Finding.class);
        for (SentenceReading reading : read(reportText)) {
            for (SentenceReader.Reading said : reading.readings()) {
                said.status()
                        .state()
                        .ifPresent(state -> decisive.merge(
                                said.finding(),
                                new Mention(
                                        said.finding(),
                                        state,
                                        reading.sentence().original()),
                                FindingsExtractor::stronger));
            }
        }
        return List.copyOf(decisive.values());
    }

    /** Each sentence that describes the image, with what it says of every finding name in it. */
    static List<SentenceReading> read(String reportText) {
        Objects.requireNonNull(reportText, "reportText");
        List<SentenceReading> read = new ArrayList<>();
        for (ReportText.Sentence sentence : ReportText.sentences(reportText)) {
            read.add(new SentenceReading(sentence, SentenceReader.read(sentence.normalised())));
        }
        return read;
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
