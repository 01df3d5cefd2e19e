package org.cxrplatform.inference.pipeline;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.findings.CriticalFindingRule;
import org.cxrplatform.findings.Mention;

/**
 * Watches one study's report while it is being generated and says when a critical finding first
 * shows. Only complete sentences are read while streaming ("Pneumothorax" alone may still become
 * "Pneumothorax is not seen."); {@link #finish(String)} reads the whole text. A finding is
 * raised only when the reader codes it PRESENT (never on a hedge) and the findings module's
 * {@link CriticalFindingRule} finds a sentence that passes the alert's guard against
 * indications, limits and history; that sentence is the excerpt. A finding is raised at most
 * once per watcher, so an out-of-memory retry of the batch does not raise it twice. Not
 * thread-safe: one per study, fed by the model's thread.
 */
public final class CriticalFindingWatcher {

    /** A critical finding to alert on. */
    public record Raised(Finding finding, FindingState state, String excerpt) {}

    private final FindingsReader reader;
    private final Set<Finding> critical;
    private final Set<Finding> raised = EnumSet.noneOf(Finding.class);
    private int readUpTo;

    public CriticalFindingWatcher(FindingsReader reader, Set<Finding> critical) {
        this.reader = reader;
        this.critical = critical.isEmpty() ? EnumSet.noneOf(Finding.class) : EnumSet.copyOf(critical);
    }

    /** Text generated so far; returns the critical findings seen for the first time. */
    public List<Raised> onText(String textSoFar) {
        int end = completeSentencesEnd(textSoFar);
        if (end <= readUpTo) {
            return List.of();
        }
        readUpTo = end;
        return check(textSoFar.substring(0, end));
    }

    /** The final text; returns the critical findings not raised before. */
    public List<Raised> finish(String text) {
        readUpTo = text.length();
        return check(text);
    }

    /** True once any critical finding has been raised for this study. */
    public boolean anyRaised() {
        return !raised.isEmpty();
    }

    private List<Raised> check(String text) {
        if (critical.isEmpty()) {
            return List.of();
        }
        Map<Finding, FindingsReader.Reading> readings = reader.read(text);
        List<Raised> fresh = new ArrayList<>();
        for (Finding f : critical) {
            FindingsReader.Reading r = readings.get(f);
            if (r == null || r.state() != FindingState.PRESENT || raised.contains(f)) {
                continue;
            }
            Optional<Mention> alert = CriticalFindingRule.alert(f, text);
            if (alert.isPresent()) {
                raised.add(f);
                fresh.add(new Raised(f, FindingState.PRESENT, alert.get().sentence()));
            }
        }
        return fresh;
    }

    /** Index just past the last sentence end ('.', '!', '?' followed by a space, or a newline). */
    static int completeSentencesEnd(String text) {
        for (int i = text.length() - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if (c == '\n') {
                return i + 1;
            }
            if ((c == '.' || c == '!' || c == '?')
                    && i + 1 < text.length()
                    && Character.isWhitespace(text.charAt(i + 1))) {
                return i + 1;
            }
        }
        return 0;
    }
}
