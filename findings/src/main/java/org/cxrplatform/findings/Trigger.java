package org.cxrplatform.findings;

import java.util.regex.Pattern;

/**
 * A phrase that changes what a nearby finding name means: "no", "cannot be excluded", "history
 * of", "has resolved", "evaluate for". Its reach ends at a clause break (see {@code Lexicon}).
 *
 * @param kind      what it says about the finding it governs
 * @param direction which side of the trigger the governed finding stands on
 * @param reach     how far it reaches
 * @param pattern   the phrase over normalised text
 */
record Trigger(Kind kind, Direction direction, Reach reach, Pattern pattern) {

    /** Two independent questions: is it asserted (assertion), and is it about now (time)? */
    enum Layer {
        ASSERTION,
        TIME,
        NONE
    }

    enum Kind {
        /** Negated: "no", "without", "is not seen". */
        NEGATED(Layer.ASSERTION),
        /** Hedged: "possible", "likely", "cannot be excluded". */
        UNCERTAIN(Layer.ASSERTION),
        /** The image cannot answer: "assessment for X is limited", "X cannot be assessed". */
        LIMITED(Layer.ASSERTION),
        /** The question asked, not an answer: "evaluate for", "rule out", "tube placed for". */
        INDICATION(Layer.ASSERTION),
        /** "Consistent with", "in keeping with": affirms alone, passes on a negation or hedge before it. */
        LINK_AFFIRMING(Layer.ASSERTION),
        /** "Suggestive of", "to suggest": hedges alone ("opacity suggestive of pneumonia"), passes on a negation before it. */
        LINK_HEDGING(Layer.ASSERTION),
        /** The patient's history, not this image: "history of", "status post", "patient with". */
        HISTORY(Layer.TIME),
        /** A past finding named as past: "prior", "previous", "old"; undone by a sign that it is still there. */
        PRIOR(Layer.TIME),
        /** Still there: "stable", "unchanged", "again seen", "no change in", "persistent", "decreased". */
        PERSISTING(Layer.TIME),
        /** On its way out: "resolving", "nearly resolved", "near-complete resolution". */
        RESOLVING(Layer.TIME),
        /** Gone: "has resolved", "no longer seen", "resolution of". */
        RESOLVED(Layer.TIME),
        /** Claims its words and does nothing: "compared to prior", "prior study". */
        NEUTRAL(Layer.NONE);

        final Layer layer;

        Kind(Layer layer) {
            this.layer = layer;
        }
    }

    enum Direction {
        /** Governs what follows: "no pneumothorax". */
        FORWARD,
        /** Governs what precedes: "pneumothorax has resolved". */
        BACKWARD,
        /** Either side: "atelectasis versus pneumonia", "stable". */
        BOTH;

        boolean forward() {
            return this != BACKWARD;
        }

        boolean backward() {
            return this != FORWARD;
        }
    }

    enum Reach {
        /** To the end of the clause. */
        CLAUSE,
        /** A modifier next to its noun: at most four words away, no punctuation between ("prior right pneumothorax"). */
        ADJACENT
    }

    static Trigger trigger(Kind kind, Direction direction, String regex) {
        return new Trigger(kind, direction, Reach.CLAUSE, compile(regex));
    }

    static Trigger adjacent(Kind kind, Direction direction, String regex) {
        return new Trigger(kind, direction, Reach.ADJACENT, compile(regex));
    }

    private static Pattern compile(String regex) {
        return Pattern.compile("(?<![a-z])(?:" + regex + ")(?![a-z])");
    }
}
