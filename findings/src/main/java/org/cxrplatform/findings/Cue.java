package org.cxrplatform.findings;

import java.util.regex.Pattern;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * A phrase that changes what a nearby finding name means ("no", "cannot exclude", "no change in").
 *
 * @param effect    what it does to the finding it governs
 * @param direction which side of the cue the governed finding stands on
 * @param pattern   the phrase over normalised text
 */
record Cue(Effect effect, Direction direction, Pattern pattern) {

    enum Effect {
        /** Keeps the finding affirmed although the phrase contains a negation word ("no change in"). */
        PSEUDO_NEGATION,
        UNCERTAINTY,
        NEGATION
    }

    enum Direction {
        /** Governs what follows: "no pneumothorax". */
        BEFORE,
        /** Governs what precedes: "pneumothorax has resolved". */
        AFTER,
        /** Either side: "atelectasis versus pneumonia". */
        BOTH;

        boolean governsFollowing() {
            return this != AFTER;
        }

        boolean governsPreceding() {
            return this != BEFORE;
        }
    }

    static Cue cue(Effect effect, Direction direction, String regex) {
        return new Cue(effect, direction, Pattern.compile("\\b(?:" + regex + ")(?![a-z])"));
    }

    FindingState apply(FindingState affirmed) {
        return switch (effect) {
            case PSEUDO_NEGATION -> affirmed;
            case UNCERTAINTY -> FindingState.UNCERTAIN;
            case NEGATION -> FindingState.ABSENT;
        };
    }
}
