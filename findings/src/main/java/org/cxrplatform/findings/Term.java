package org.cxrplatform.findings;

import java.util.Set;
import java.util.regex.Pattern;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * One way a report names findings, as a regular expression over normalised text (see
 * {@code ReportText}). A pattern may carry context around the name; the group named {@code m}
 * then marks the name itself ("the heart is mildly (enlarged)"), so that words between the
 * context and the name ("the heart is not enlarged") act as triggers on it.
 *
 * @param findings   what the phrase speaks of; a statement such as "lungs are clear" speaks of several
 * @param pattern    the phrase
 * @param affirmedAs the state when no trigger governs it: PRESENT for a plain name, UNCERTAIN for a
 *                   hedged name ("vascular congestion" only suggests edema, as in CheXpert)
 * @param kind       whether triggers around the phrase can change its state
 */
record Term(Set<Finding> findings, Pattern pattern, FindingState affirmedAs, Kind kind) {

    static final String NAME_GROUP = "m";

    enum Kind {
        /** A name: triggers before it ("no effusion") or after it ("effusion has resolved") apply. */
        NAME,
        /** A self-contained statement ("heart size is normal"): its state is fixed, triggers inside it are ignored. */
        STATEMENT
    }

    static Term name(Finding finding, String regex) {
        return new Term(Set.of(finding), compile(regex), FindingState.PRESENT, Kind.NAME);
    }

    static Term hedgedName(Finding finding, String regex) {
        return new Term(Set.of(finding), compile(regex), FindingState.UNCERTAIN, Kind.NAME);
    }

    static Term statement(FindingState state, String regex, Finding... findings) {
        return new Term(Set.of(findings), compile(regex), state, Kind.STATEMENT);
    }

    boolean marksName() {
        return pattern.pattern().contains("(?<" + NAME_GROUP + ">");
    }

    private static Pattern compile(String regex) {
        return Pattern.compile("(?<![a-z])(?:" + regex + ")(?![a-z])");
    }
}
