package org.cxrplatform.findings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/**
 * Labels the findings named in one normalised sentence.
 *
 * <p>Each finding name is governed by the nearest cue in its clause: a cue before it that reaches
 * forward, or one after it that reaches back (with no verb in between, which would mean another
 * clause). "No effusion or possible pneumothorax": the effusion is absent, the pneumothorax
 * uncertain. A name governed by nothing but offered as an alternative ("or", "versus") is a hedge.
 */
final class SentenceLabeller {

    private record Span(int start, int end) {
        boolean overlaps(Span other) {
            return start < other.end && other.start < end;
        }
    }

    private record Named(Term term, Finding finding, Span span) {
    }

    private record Found(Cue cue, Span span) {
    }

    private final String text;
    private final List<Integer> clauseStarts = new ArrayList<>();
    private final List<Named> names = new ArrayList<>();
    private final List<Found> cues = new ArrayList<>();

    private SentenceLabeller(String text) {
        this.text = text;
        Matcher breaks = Cues.CLAUSE_BREAK.matcher(text);
        while (breaks.find()) {
            clauseStarts.add(breaks.start());
        }
        findNames();
        findCues();
    }

    /** The state of every finding the sentence names; findings it does not name are left out. */
    static Map<Finding, FindingState> label(String normalisedSentence) {
        SentenceLabeller sentence = new SentenceLabeller(normalisedSentence);
        Map<Finding, FindingState> states = new EnumMap<>(Finding.class);
        for (Named named : sentence.names) {
            states.merge(named.finding(), sentence.stateOf(named), FindingsExtractor::stronger);
        }
        return states;
    }

    /** All names, the longest kept where two names of one finding overlap ("pulmonary edema" vs "edema"). */
    private void findNames() {
        List<Named> all = new ArrayList<>();
        for (Term term : Vocabulary.TERMS) {
            Matcher m = term.pattern().matcher(text);
            while (m.find()) {
                for (Finding finding : term.findings()) {
                    all.add(new Named(term, finding, new Span(m.start(), m.end())));
                }
            }
        }
        all.sort(Comparator.comparingInt((Named n) -> n.span().start())
                .thenComparing(n -> n.span().start() - n.span().end()));
        for (Named candidate : all) {
            boolean shadowed = names.stream().anyMatch(kept ->
                    kept.finding() == candidate.finding() && kept.span().overlaps(candidate.span()));
            if (!shadowed) {
                names.add(candidate);
            }
        }
    }

    /** Cues in table order, each claiming its words; statements claim theirs first ("heart size is borderline"). */
    private void findCues() {
        List<Span> claimed = new ArrayList<>();
        names.stream().filter(n -> n.term().kind() == Term.Kind.STATEMENT).forEach(n -> claimed.add(n.span()));
        for (Cue cue : Cues.ALL) {
            Matcher m = cue.pattern().matcher(text);
            while (m.find()) {
                Span span = new Span(m.start(), m.end());
                if (claimed.stream().noneMatch(span::overlaps)) {
                    claimed.add(span);
                    cues.add(new Found(cue, span));
                }
            }
        }
    }

    private FindingState stateOf(Named named) {
        FindingState affirmed = named.term().affirmedAs();
        if (named.term().kind() == Term.Kind.STATEMENT) {
            return affirmed;
        }
        Found nearest = null;
        int nearestDistance = Integer.MAX_VALUE;
        for (Found found : cues) {
            int distance = distance(found, named);
            if (distance < nearestDistance) {
                nearest = found;
                nearestDistance = distance;
            }
        }
        if (nearest != null) {
            return nearest.cue().apply(affirmed);
        }
        return isAlternative(named) ? FindingState.UNCERTAIN : affirmed;
    }

    /** Characters between the cue and the name it governs, or MAX_VALUE when it cannot govern it. */
    private int distance(Found found, Named named) {
        Span cue = found.span();
        Span name = named.span();
        if (clause(cue.start()) != clause(name.start())) {
            return Integer.MAX_VALUE;
        }
        if (cue.end() <= name.start() && found.cue().direction().governsFollowing()) {
            return name.start() - cue.end();
        }
        boolean reachesBack = found.cue().direction().governsPreceding()
                && named.term().kind() == Term.Kind.NAME
                && !verbBetween(name.end(), cue.start());
        if (cue.start() >= name.end() && reachesBack) {
            return cue.start() - name.end();
        }
        return Integer.MAX_VALUE;
    }

    private boolean verbBetween(int from, int to) {
        String between = text.substring(from, Math.max(from, to));
        return Cues.VERB.matcher(Cues.TRAILING_AUXILIARY.matcher(between).replaceFirst("")).find();
    }

    private boolean isAlternative(Named named) {
        return Cues.ALTERNATIVE_AFTER.matcher(text.substring(named.span().end())).find()
                || Cues.ALTERNATIVE_BEFORE.matcher(text.substring(0, named.span().start())).find();
    }

    private int clause(int position) {
        int clause = 0;
        while (clause < clauseStarts.size() && clauseStarts.get(clause) <= position) {
            clause++;
        }
        return clause;
    }
}
