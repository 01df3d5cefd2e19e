package org.cxrplatform.findings;

import java.util.Set;
import java.util.regex.Pattern;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * One way a report names findings, as a regular expression over normalised text (lower case,
 * hyphens between letters turned into spaces, single spaces).
 *
 * @param findings   what the phrase speaks of; a statement such as "lungs are clear" speaks of several
 * @param pattern    the phrase
 * @param affirmedAs the state when no cue governs it: PRESENT for a plain name, UNCERTAIN for a
 *                   hedged name ("vascular congestion" only suggests edema, as in CheXpert)
 * @param kind       whether cues around the phrase can change its state
 */
record Term(Set<Finding> findings, Pattern pattern, FindingState affirmedAs, Kind kind) {

    enum Kind {
        /** A noun phrase: cues before it ("no effusion") or after it ("effusion has resolved") apply. */
        NAME,
        /**
         * A phrase with its own verb ("the heart is enlarged"): only cues before it apply, so that
         * "the heart is enlarged and the effusion has resolved" does not negate the heart.
         */
        PREDICATE,
        /** A self-contained statement ("heart size is normal"): its state is fixed, cues are ignored. */
        STATEMENT
    }

    static Term name(Finding finding, String regex) {
        return new Term(Set.of(finding), compile(regex), FindingState.PRESENT, Kind.NAME);
    }

    static Term hedgedName(Finding finding, String regex) {
        return new Term(Set.of(finding), compile(regex), FindingState.UNCERTAIN, Kind.NAME);
    }

    static Term predicate(Finding finding, String regex) {
        return new Term(Set.of(finding), compile(regex), FindingState.PRESENT, Kind.PREDICATE);
    }

    static Term statement(FindingState state, String regex, Finding... findings) {
        return new Term(Set.of(findings), compile(regex), state, Kind.STATEMENT);
    }

    private static Pattern compile(String regex) {
        return Pattern.compile("\\b(?:" + regex + ")\\b");
    }
}
