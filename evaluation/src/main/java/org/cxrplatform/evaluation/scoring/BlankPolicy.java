package org.cxrplatform.evaluation.scoring;

/** What a blank label cell means. */
public enum BlankPolicy {
    /** CheXpert convention: blank = the report did not mention the finding = negative. */
    NEGATIVE,
    /** The study is left out of that finding's counts. */
    EXCLUDE
}
