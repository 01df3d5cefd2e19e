package org.cxrplatform.findings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * Reads what one normalised sentence says about each finding it names, in the spirit of
 * NegEx / ConText: find the names ({@link Lexicon#TERMS}) and the triggers
 * ({@link Lexicon#TRIGGERS}), then let the triggers that reach a name decide its status.
 *
 * <p>Two questions are asked of each name, independently. Assertion: the nearest trigger before
 * it that reaches forward, and the nearest after it that reaches back (with no verb of another
 * clause in between), can negate it, hedge it, make it a limit of the examination or the question
 * asked. Time: a trigger can make it history, a past finding, resolving, resolved or persisting.
 * A trigger's reach ends at a clause break; some breaks ("with", "which", a size word after a
 * name) end only the reach of triggers before them.
 */
final class SentenceReader {

    /** What a sentence says about a finding. NOT_ASSERTED: it speaks of history or of the question asked. */
    enum Status {
        PRESENT,
        UNCERTAIN,
        ABSENT,
        NOT_ASSERTED;

        static Status of(FindingState state) {
            return switch (state) {
                case PRESENT -> PRESENT;
                case UNCERTAIN -> UNCERTAIN;
                case ABSENT -> ABSENT;
                case NOT_MENTIONED -> NOT_ASSERTED;
            };
        }

        /** The state a mention carries; empty for NOT_ASSERTED. */
        Optional<FindingState> state() {
            return switch (this) {
                case PRESENT -> Optional.of(FindingState.PRESENT);
                case UNCERTAIN -> Optional.of(FindingState.UNCERTAIN);
                case ABSENT -> Optional.of(FindingState.ABSENT);
                case NOT_ASSERTED -> Optional.empty();
            };
        }
    }

    record Span(int start, int end) {
        boolean overlaps(Span other) {
            return start < other.end && other.start < end;
        }

        boolean strictlyContains(int position) {
            return start < position && position < end;
        }
    }

    /** One name of a finding in the sentence and what the sentence says of it. */
    record Reading(Finding finding, Status status, Span name) {}

    private record Named(Term term, Finding finding, Span match, Span name) {}

    private record Found(Trigger trigger, Span span) {
        Trigger.Kind kind() {
            return trigger.kind();
        }
    }

    private final String text;
    private final List<Named> names = new ArrayList<>();
    private final List<Span> claimed = new ArrayList<>();
    private final List<Found> triggers = new ArrayList<>();
    private final List<Integer> clauseBreaks = new ArrayList<>();
    private final List<Integer> forwardBreaks = new ArrayList<>();
    private final List<Integer> sizeBreaks = new ArrayList<>();

    private SentenceReader(String text) {
        this.text = text;
        findNames();
        findTriggers();
        findBreaks();
    }

    /** Every name of a finding in the sentence, in order, with its status. */
    static List<Reading> read(String normalisedSentence) {
        SentenceReader sentence = new SentenceReader(normalisedSentence);
        return sentence.names.stream()
                .map(n -> new Reading(n.finding(), sentence.statusOf(n), n.name()))
                .toList();
    }

    /** All names; where two names of one finding overlap, the longer (a statement on a tie) is kept. */
    private void findNames() {
        List<Named> all = new ArrayList<>();
        for (Term term : Lexicon.TERMS) {
            Matcher m = term.pattern().matcher(text);
            while (m.find()) {
                Span match = new Span(m.start(), m.end());
                boolean marked = term.marksName() && m.start(Term.NAME_GROUP) >= 0;
                Span name = marked ? new Span(m.start(Term.NAME_GROUP), m.end(Term.NAME_GROUP)) : match;
                for (Finding finding : term.findings()) {
                    all.add(new Named(term, finding, match, name));
                }
            }
        }
        all.sort(Comparator.comparingInt((Named n) -> n.match().start())
                .thenComparingInt(n -> n.match().start() - n.match().end())
                .thenComparing(n -> n.term().kind() != Term.Kind.STATEMENT));
        for (Named candidate : all) {
            boolean shadowed = names.stream()
                    .anyMatch(kept -> kept.finding() == candidate.finding()
                            && kept.match().overlaps(candidate.match()));
            if (!shadowed) {
                names.add(candidate);
            }
        }
        for (Named named : names) {
            claimed.add(named.term().kind() == Term.Kind.STATEMENT ? named.match() : named.name());
        }
    }

    /**
     * Triggers in table order, each claiming its words; names and statements claim theirs first.
     * Claimed words are masked, so a later, shorter trigger still matches beside them ("no" once
     * "evidence of" is claimed).
     */
    private void findTriggers() {
        char[] masked = text.toCharArray();
        claimed.forEach(span -> mask(masked, span));
        for (Trigger trigger : Lexicon.TRIGGERS) {
            Matcher m = trigger.pattern().matcher(new String(masked));
            List<Span> found = new ArrayList<>();
            while (m.find()) {
                if (m.start() < m.end()) {
                    found.add(new Span(m.start(), m.end()));
                }
            }
            for (Span span : found) {
                claimed.add(span);
                triggers.add(new Found(trigger, span));
                mask(masked, span);
            }
        }
    }

    private static void mask(char[] text, Span span) {
        java.util.Arrays.fill(text, span.start(), span.end(), '#');
    }

    private void findBreaks() {
        addBreaks(Lexicon.CLAUSE_BREAK, clauseBreaks);
        addBreaks(Lexicon.FORWARD_BREAK, forwardBreaks);
        Matcher size = Lexicon.SIZE_WORD.matcher(text);
        while (size.find()) {
            int at = size.start();
            boolean afterAName = names.stream()
                    .anyMatch(n -> n.name().end() <= at
                            && Lexicon.AFTER_A_NAME
                                    .matcher(text.substring(n.name().end(), at))
                                    .matches());
            if (afterAName) {
                sizeBreaks.add(at);
            }
        }
    }

    /** Break positions, except those inside a trigger or name ("with" in "consistent with"). */
    private void addBreaks(java.util.regex.Pattern pattern, List<Integer> into) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            int at = m.start();
            if (claimed.stream().noneMatch(span -> span.strictlyContains(at))) {
                into.add(at);
            }
        }
    }

    private Status statusOf(Named named) {
        if (named.term().kind() == Term.Kind.STATEMENT) {
            return Status.of(named.term().affirmedAs());
        }
        Span name = named.name();
        Optional<Trigger.Kind> assertion = assertion(name);
        Optional<Trigger.Kind> time = time(name);
        if (time.filter(k -> k == Trigger.Kind.RESOLVED).isPresent()
                || assertion.filter(k -> k == Trigger.Kind.NEGATED).isPresent()) {
            return Status.ABSENT;
        }
        if (time.filter(k -> k == Trigger.Kind.HISTORY || k == Trigger.Kind.PRIOR)
                        .isPresent()
                || assertion.filter(k -> k == Trigger.Kind.INDICATION).isPresent()) {
            return Status.NOT_ASSERTED;
        }
        if (assertion.isPresent() && assertion.get() != Trigger.Kind.LINK_AFFIRMING
                || time.filter(k -> k == Trigger.Kind.RESOLVING).isPresent()) {
            return Status.UNCERTAIN;
        }
        if (assertion.filter(k -> k != Trigger.Kind.LINK_AFFIRMING).isEmpty() && isAlternative(name)) {
            return Status.UNCERTAIN;
        }
        return Status.of(named.term().affirmedAs());
    }

    /**
     * The assertion trigger governing a name: NEGATED, UNCERTAIN, LIMITED, INDICATION, or
     * LINK_AFFIRMING (affirmed by a link such as "consistent with"); empty when none reaches it.
     */
    private Optional<Trigger.Kind> assertion(Span name) {
        Optional<Trigger.Kind> before =
                nearestBeforeFound(name.start(), Trigger.Layer.ASSERTION).map(this::throughLinks);
        Optional<Trigger.Kind> after =
                nearestAfter(name, Trigger.Layer.ASSERTION).map(Found::kind);
        List<Trigger.Kind> both = new ArrayList<>();
        before.ifPresent(both::add);
        after.ifPresent(both::add);
        // An answer after the question outranks it: "check for pneumothorax: none seen".
        for (Trigger.Kind strongest : List.of(
                Trigger.Kind.LIMITED,
                Trigger.Kind.UNCERTAIN,
                Trigger.Kind.NEGATED,
                Trigger.Kind.INDICATION,
                Trigger.Kind.LINK_AFFIRMING)) {
            if (both.contains(strongest)) {
                return Optional.of(strongest);
            }
        }
        return Optional.empty();
    }

    /** A link passes on the negation or hedge before it; alone, a hedging link hedges and an affirming one affirms. */
    private Trigger.Kind throughLinks(Found nearest) {
        Found link = nearest;
        while (link.kind() == Trigger.Kind.LINK_AFFIRMING || link.kind() == Trigger.Kind.LINK_HEDGING) {
            Optional<Found> before = nearestBeforeFound(link.span().start(), Trigger.Layer.ASSERTION);
            if (before.isEmpty()) {
                return link.kind() == Trigger.Kind.LINK_HEDGING ? Trigger.Kind.UNCERTAIN : Trigger.Kind.LINK_AFFIRMING;
            }
            if (before.get().kind() != Trigger.Kind.LINK_AFFIRMING
                    && before.get().kind() != Trigger.Kind.LINK_HEDGING) {
                return before.get().kind();
            }
            link = before.get();
        }
        return link.kind();
    }

    /** RESOLVED, RESOLVING, HISTORY, PRIOR or PERSISTING; empty when no time trigger reaches the name. */
    private Optional<Trigger.Kind> time(Span name) {
        Optional<Trigger.Kind> before = nearestBefore(name.start(), Trigger.Layer.TIME);
        Optional<Trigger.Kind> after = nearestAfter(name, Trigger.Layer.TIME).map(Found::kind);
        for (Trigger.Kind decisive : List.of(Trigger.Kind.RESOLVED, Trigger.Kind.RESOLVING)) {
            if (before.filter(k -> k == decisive).isPresent()
                    || after.filter(k -> k == decisive).isPresent()) {
                return Optional.of(decisive);
            }
        }
        // "History of recurrent pneumothorax": the history holds whatever comes between.
        boolean history =
                triggers.stream().anyMatch(t -> t.kind() == Trigger.Kind.HISTORY && reachesForward(t, name.start()));
        if (history) {
            return Optional.of(Trigger.Kind.HISTORY);
        }
        // "Previously noted pneumothorax is again seen": still there.
        if (after.filter(k -> k == Trigger.Kind.PERSISTING).isPresent()) {
            return after;
        }
        return before.or(() -> after);
    }

    private Optional<Trigger.Kind> nearestBefore(int position, Trigger.Layer layer) {
        return nearestBeforeFound(position, layer).map(Found::kind);
    }

    private Optional<Found> nearestBeforeFound(int position, Trigger.Layer layer) {
        return triggers.stream()
                .filter(t -> t.kind().layer == layer && reachesForward(t, position))
                .max(Comparator.comparingInt(t -> t.span().end()));
    }

    private Optional<Found> nearestAfter(Span name, Trigger.Layer layer) {
        return triggers.stream()
                .filter(t -> t.kind().layer == layer && reachesBack(t, name))
                .min(Comparator.comparingInt(t -> t.span().start()));
    }

    private boolean reachesForward(Found found, int position) {
        Span span = found.span();
        if (!found.trigger().direction().forward() || span.end() > position) {
            return false;
        }
        if (breakBetween(clauseBreaks, span.end(), position) || breakBetween(sizeBreaks, span.end(), position)) {
            return false;
        }
        // "No cardiomegaly with small effusions": a negation or a date stops at "with"; a hedge
        // carries on ("likely atelectasis with small effusion").
        boolean hedge = found.kind().layer == Trigger.Layer.ASSERTION && found.kind() != Trigger.Kind.NEGATED;
        if (!hedge && breakBetween(forwardBreaks, span.end(), position)) {
            return false;
        }
        return withinReach(found.trigger(), span.end(), position);
    }

    private boolean reachesBack(Found found, Span name) {
        Span span = found.span();
        if (!found.trigger().direction().backward() || span.start() < name.end()) {
            return false;
        }
        if (breakBetween(clauseBreaks, name.end(), span.start()) || verbBetween(name.end(), span.start())) {
            return false;
        }
        return withinReach(found.trigger(), name.end(), span.start());
    }

    private static boolean breakBetween(List<Integer> breaks, int from, int to) {
        return breaks.stream().anyMatch(b -> from <= b && b < to);
    }

    private boolean withinReach(Trigger trigger, int from, int to) {
        if (trigger.reach() == Trigger.Reach.CLAUSE) {
            return true;
        }
        String between = text.substring(from, to).trim();
        return !between.matches(".*[,;:.].*")
                && (between.isEmpty() || between.split(" ").length <= Lexicon.ADJACENT_WORDS);
    }

    private boolean verbBetween(int from, int to) {
        String between = text.substring(from, Math.max(from, to));
        return Lexicon.VERB
                .matcher(Lexicon.TRAILING_AUXILIARY.matcher(between).replaceFirst(""))
                .find();
    }

    private boolean isAlternative(Span name) {
        return Lexicon.ALTERNATIVE_AFTER.matcher(text.substring(name.end())).find()
                || Lexicon.ALTERNATIVE_BEFORE
                        .matcher(text.substring(0, name.start()))
                        .find();
    }
}
