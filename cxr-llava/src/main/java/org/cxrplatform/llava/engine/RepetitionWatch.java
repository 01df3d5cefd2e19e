package org.cxrplatform.llava.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.cxrplatform.llava.RepetitionGuard;

/** Counts every run of {@code ngram} generated tokens of one sequence; fires on the guard's occurrence. */
final class RepetitionWatch {

    private record Run(int[] tokens) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Run r && Arrays.equals(tokens, r.tokens);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(tokens);
        }
    }

    private final RepetitionGuard guard;
    private final Map<Run, Integer> seen = new HashMap<>();

    RepetitionWatch(RepetitionGuard guard) {
        this.guard = guard;
    }

    /** After {@code generated[0..size)} grew by one token: has the run ending here now occurred often enough? */
    boolean fires(int[] generated, int size) {
        int n = guard.ngram();
        if (!guard.enabled() || size < n) {
            return false;
        }
        int count = seen.merge(new Run(Arrays.copyOfRange(generated, size - n, size)), 1, Integer::sum);
        return count >= guard.occurrences();
    }
}
