package org.cxrplatform.evaluation.scoring;

import org.cxrplatform.contracts.findings.FindingState;
import org.cxrplatform.evaluation.labels.GroundTruth;

/**
 * How "uncertain" counts, on both sides of the comparison (the U-Ones / U-Zeros conventions of
 * the CheXpert paper). The same policy applies to the label (-1) and to the model's report
 * (an extracted {@link FindingState#UNCERTAIN}), so that "possible effusion" against a -1 label
 * agrees under either policy.
 *
 * <ul>
 *   <li>label 1 → positive; label 0 → negative; label -1 → this policy;</li>
 *   <li>blank label → {@link BlankPolicy} (negative by default: CheXpert's blank means "not mentioned");</li>
 *   <li>model PRESENT → positive; model UNCERTAIN → this policy; model ABSENT or NOT_MENTIONED → negative.</li>
 * </ul>
 */
public enum UncertainPolicy {
    /** U-Ones: uncertain counts as positive. */
    POSITIVE,
    /** U-Zeros: uncertain counts as negative. */
    NEGATIVE;

    /** @return true (positive), false (negative) or null (excluded from this finding's counts) */
    public Boolean truth(GroundTruth label, BlankPolicy blank) {
        return switch (label) {
            case POSITIVE -> true;
            case NEGATIVE -> false;
            case UNCERTAIN -> this == POSITIVE;
            case BLANK -> blank == BlankPolicy.NEGATIVE ? Boolean.FALSE : null;
        };
    }

    public boolean predicted(FindingState state) {
        return switch (state) {
            case PRESENT -> true;
            case UNCERTAIN -> this == POSITIVE;
            case ABSENT, NOT_MENTIONED -> false;
        };
    }

    /** "uncertain-as-positive" / "uncertain-as-negative", as printed. */
    public String label() {
        return "uncertain-as-" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
