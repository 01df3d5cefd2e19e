package org.cxrplatform.findings;

import static org.cxrplatform.findings.Cue.Direction.AFTER;
import static org.cxrplatform.findings.Cue.Direction.BEFORE;
import static org.cxrplatform.findings.Cue.Direction.BOTH;
import static org.cxrplatform.findings.Cue.Effect.NEGATION;
import static org.cxrplatform.findings.Cue.Effect.PSEUDO_NEGATION;
import static org.cxrplatform.findings.Cue.Effect.UNCERTAINTY;
import static org.cxrplatform.findings.Cue.cue;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Negation, uncertainty and pseudo-negation cues, in NegEx / CheXpert spirit.
 *
 * <p>Order matters: a phrase matched earlier claims its words, so "no change in" (pseudo) wins
 * over "no", "cannot be excluded" (uncertain) over a negation, "not yet resolved" over "resolved".
 *
 * <p>Choices: "likely", "probable" and "unlikely" are uncertain, as in CheXpert, because the
 * evaluation compares against CheXpert-style labels; "compatible with" / "consistent with" affirm.
 * "No new X" is a negation (CheXpert too). "Resolved X" is absent, but "resolving",
 * "improving", "nearly resolved" keep the finding present: something is still there.
 */
final class Cues {

    private static final String SEEN = "(?:seen|identified|present|visualized|visible|evident|demonstrated|detected"
            + "|appreciated|noted|apparent|observed)";
    private static final String BE = "(?:is|are|was|were|has been|have been)";

    static final List<Cue> ALL = List.of(
            // Pseudo-negations: they talk about change, the finding is still there.
            cue(PSEUDO_NEGATION, BOTH, "(?:no|without) (?:(?:significant|interval|appreciable|substantial|further|"
                    + "definite|other) )*(?:change|increase|worsening|progression)(?: in| of)?"),
            cue(PSEUDO_NEGATION, BOTH, "not (?:significantly |substantially )?(?:changed|improved|increased)"),
            cue(PSEUDO_NEGATION, BOTH, "(?:(?:has |have )?not (?:yet |completely |fully |entirely )?|incompletely |partially |"
                    + "nearly |almost |largely |mostly |not quite )resolv(?:ed|ing)"),
            cue(PSEUDO_NEGATION, BOTH, "(?:near|nearly|almost|partial|incomplete)(?: complete)? resolution"),
            cue(PSEUDO_NEGATION, BOTH, "not only"),

            // "No opacity to suggest pneumonia": the idiom follows a negation, so it is not a hedge.
            cue(NEGATION, BEFORE, "to (?:suggest|indicate)"),

            // Uncertainty. The ones containing "not"/"no" come first so that they are not negations.
            cue(UNCERTAINTY, BOTH, "(?:cannot|can not|can't|could not|not) (?:be )?(?:entirely |completely |totally )?"
                    + "(?:excluded?|ruled out|rule out)"),
            cue(UNCERTAINTY, BOTH, "difficult to (?:exclude|rule out)"),
            cue(UNCERTAINTY, AFTER, "(?:is|are|was|were) not (?:well |clearly )(?:seen|visualized|evaluated|assessed)"),
            cue(UNCERTAINTY, AFTER, "(?:may|might|could)(?: also)?(?: possibly)? (?:be present|be seen|coexist|be superimposed)"),
            cue(UNCERTAINTY, BEFORE, "(?:may|might|could|would)(?: also)?(?: possibly)? (?:represent|reflect|indicate|include"
                    + "|be due to|be related to|relate to|be)"),
            // "Pneumonia is likely." only at the end of a clause: "opacity is likely atelectasis" hedges the atelectasis.
            cue(UNCERTAINTY, AFTER, "(?:is|are|remains?)(?: also)?(?: (?:most|more|less))? (?:likely|possible|probable|suspected"
                    + "|favored|questioned|considered|a (?:consideration|possibility)|unlikely)(?=\\s*(?:[,;.]|$))"),
            cue(UNCERTAINTY, AFTER, "(?:is|are) (?:most |more )?(?:likely|possibly|probably) present"),
            cue(UNCERTAINTY, AFTER, "in the (?:appropriate|right|correct|proper) clinical (?:setting|context)|(?:less )?unlikely"),
            cue(UNCERTAINTY, BEFORE, "(?:most |more |less )?likely|possible|possibly|probable|probably|presumed|presumably"
                    + "|presumptive|suspected|suspect|suspicious for|suspicion (?:of|for)|concerning for|concern for"
                    + "|worrisome for|suggestive of|suggest(?:s|ing|ed)?|question(?:able)?(?: of)?|equivocal|borderline"
                    + "|potential|perhaps|maybe|favor(?:s|ed|ing)?|differential (?:diagnosis )?(?:includes?|considerations? includes?)"
                    + "|evaluate for|assess for|rule out|r/o"),

            // Negation.
            cue(NEGATION, AFTER, "(?:" + BE + " )?(?:no longer|not) (?:definitely |clearly )?" + SEEN),
            cue(NEGATION, BOTH, "(?:(?:has|have) )?(?:since |now |completely |entirely |fully |essentially |interval )?"
                    + "(?:resolved|cleared)"),
            cue(NEGATION, AFTER, "(?:" + BE + " )?(?:absent|ruled out|negative(?! for))|none"),
            cue(NEGATION, BEFORE, "(?:interval )?(?:resolution|clearing|absence) of|no longer|negative for|free of|clear of"
                    + "|rather than|without|(?:does|do|did) not (?:show|demonstrate|reveal)|no"));

    /**
     * Where a cue's reach ends: a new clause. Commas do not end it ("no effusion, consolidation or
     * pneumothorax" negates all three), unless what follows starts a new statement.
     */
    static final Pattern CLAUSE_BREAK = Pattern.compile(";|\\b(?:but|however|although|though|which|except|aside from"
            + "|apart from|whereas|while|there (?:is|are|has been|have been|was|were)|and (?:the|there|a|an)"
            // "No pneumothorax and small effusion": a size after "and" starts an affirmation.
            + "|and (?=(?:small|moderate|large|trace|tiny|mild|minimal|severe|new|persistent)\\b))\\b"
            + "|,\\s*(?=(?:stable|unchanged|persistent|again|redemonstrat\\w*|with|now)\\b)");

    /**
     * A verb between a finding and a cue after it means the cue belongs to another clause:
     * "atelectasis has improved and effusion has resolved".
     */
    static final Pattern VERB = Pattern.compile("\\b(?:is|are|was|were|has|have|had|remains?|appears?|shows?|demonstrates?)\\b");

    /**
     * "Atelectasis or pneumonia", "atelectasis versus scarring": a name offered as one of
     * alternatives is a hedge (CheXpert), when no cue governs it.
     */
    static final Pattern ALTERNATIVE_AFTER = Pattern.compile("^,? (?:or|and/or|versus|vs\\.?) ");
    static final Pattern ALTERNATIVE_BEFORE = Pattern.compile(" (?:or|and/or|versus|vs\\.?) (?:[a-z]+ ){0,3}$");

    /** An auxiliary just before a cue belongs to it: "infection is not excluded". */
    static final Pattern TRAILING_AUXILIARY = Pattern.compile("(?: (?:is|are|was|were|has|have|been|remains?|appears?))+ ?$");

    private Cues() {
    }
}
