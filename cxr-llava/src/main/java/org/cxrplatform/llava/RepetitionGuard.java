package org.cxrplatform.llava;

/**
 * Stops a sequence that loops: as soon as any run of {@code ngram} generated tokens has occurred
 * {@code occurrences} times, the sequence ends (stop reason {@code REPETITION}) instead of running
 * to its token limit and holding its batch slot. It changes nothing before it fires: no token is
 * banned or re-weighted, so a sequence that never repeats itself is generated exactly as without it,
 * and the text keeps what was generated (the repeated run appears {@code occurrences} times).
 *
 * @param ngram       length of the repeated run in tokens; 0 turns the guard off
 * @param occurrences how many times the run must have occurred (≥ 2)
 */
public record RepetitionGuard(int ngram, int occurrences) {

    /** No guard: the reference's behaviour. */
    public static final RepetitionGuard OFF = new RepetitionGuard(0, 0);

    /**
     * The report default: a run of 8 tokens seen for the third time. Eight tokens are most of a
     * sentence ("no pleural effusion or pneumothorax ."), which a report may repeat once (findings and
     * impression) but not twice; shorter runs ("there is no") recur legitimately.
     */
    public static final RepetitionGuard REPORT = new RepetitionGuard(8, 3);

    public RepetitionGuard {
        if (ngram < 0 || (ngram > 0 && occurrences < 2)) {
            throw new IllegalArgumentException(
                    "repetition guard needs ngram ≥ 1 and occurrences ≥ 2 (or ngram 0 = off), got " + ngram + "/"
                            + occurrences);
        }
    }

    public boolean enabled() {
        return ngram > 0;
    }
}
