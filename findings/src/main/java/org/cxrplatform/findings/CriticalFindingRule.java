package org.cxrplatform.findings;

import java.util.Optional;
import java.util.regex.Matcher;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * When a report's text raises a critical alert (a pneumothorax today): a sentence that the
 * extractor reads as PRESENT for the finding, and whose clause naming it passes the alert's own
 * guard ({@link Lexicon#ALERT_VETO_ANYWHERE}, {@link Lexicon#ALERT_VETO_BEFORE}): no question or
 * indication, no limit of the examination, no hypothetical or advice, and no history or device
 * placed for it just before the name unless the clause says it is still there. An alert wakes a
 * clinician, so the guard trades a little recall for precision on exactly the classes that
 * mislead a labeller: "assessment for pneumothorax is limited", "chest tube placed for
 * pneumothorax", "history of pneumothorax".
 * Stateless and thread-safe.
 */
public final class CriticalFindingRule {

    private CriticalFindingRule() {}

    /** The first sentence that raises an alert for the finding, as a PRESENT mention; empty when none does. */
    public static Optional<Mention> alert(Finding finding, String reportText) {
        for (FindingsExtractor.SentenceReading reading : FindingsExtractor.read(reportText)) {
            String text = reading.sentence().normalised();
            boolean raises = reading.readings().stream()
                    .anyMatch(r -> r.finding() == finding
                            && r.status() == SentenceReader.Status.PRESENT
                            && passesGuard(text, r.name()));
            if (raises) {
                return Optional.of(new Mention(
                        finding, FindingState.PRESENT, reading.sentence().original()));
            }
        }
        return Optional.empty();
    }

    private static boolean passesGuard(String text, SentenceReader.Span name) {
        int start = 0;
        int end = text.length();
        Matcher breaks = Lexicon.ALERT_CLAUSE_BREAK.matcher(text);
        while (breaks.find()) {
            if (breaks.end() <= name.start()) {
                start = breaks.end();
            } else if (breaks.start() >= name.end()) {
                end = breaks.start();
                break;
            }
        }
        String clause = text.substring(start, end);
        String before =
                Lexicon.COMPARISON.matcher(text.substring(start, name.start())).replaceAll(" ");
        boolean history = Lexicon.ALERT_VETO_BEFORE.matcher(before).find()
                && !Lexicon.ALERT_STILL_THERE.matcher(clause).find();
        return !Lexicon.ALERT_VETO_ANYWHERE.matcher(clause).find() && !history;
    }
}
