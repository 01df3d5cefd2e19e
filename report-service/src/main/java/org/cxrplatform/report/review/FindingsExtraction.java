package org.cxrplatform.report.review;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;
import org.jboss.logging.Logger;

/**
 * Re-reads the findings of an edited report. Uses the platform's
 * {@code org.cxrplatform.contracts.findings.FindingsExtractor} when the contracts jar on the
 * class path has it, otherwise a small clause-level rule set: a finding is UNCERTAIN with a hedge
 * in its clause, ABSENT after a negation, else PRESENT; across
 * sentences PRESENT wins over UNCERTAIN over ABSENT.
 */
@ApplicationScoped
public class FindingsExtraction {

    private static final Logger LOG = Logger.getLogger(FindingsExtraction.class);

    private static final Map<Finding, List<String>> TERMS = Map.of(
            Finding.ATELECTASIS, List.of("atelecta"),
            Finding.CARDIOMEGALY, List.of("cardiomegaly", "enlarged heart", "heart is enlarged", "cardiac enlargement",
                    "enlarged cardiac silhouette", "cardiac silhouette is enlarged"),
            Finding.CONSOLIDATION, List.of("consolidat"),
            Finding.PULMONARY_EDEMA, List.of("edema", "oedema"),
            Finding.PLEURAL_EFFUSION, List.of("effusion"),
            Finding.PNEUMOTHORAX, List.of("pneumothora"),
            Finding.PNEUMONIA, List.of("pneumonia"));
    private static final List<String> NEGATIONS = List.of("no ", "without", "negative for", "free of", "not ", "resolved", "absence of");
    private static final List<String> HEDGES = List.of("may ", "might", "possibl", "cannot exclude", "cannot be excluded", "can't exclude",
            "not excluded", "not be excluded",
            "likely", "suggest", "questionable", "concern for", "versus", "vs.", "could ");

    private Object extractor;
    private Method extract;

    @PostConstruct
    void init() {
        Object instance = null;
        Method method = null;
        try {
            Class<?> type = Class.forName("org.cxrplatform.contracts.findings.FindingsExtractor");
            method = type.getMethod("extract", String.class);
            if (!Modifier.isStatic(method.getModifiers())) {
                instance = type.getDeclaredConstructor().newInstance();
            }
            LOG.info("edited reports are re-read with contracts' FindingsExtractor");
        } catch (ReflectiveOperationException | LinkageError e) {
            method = null;
            LOG.info("contracts has no usable FindingsExtractor yet: edited reports are re-read with the built-in rules");
        }
        this.extractor = instance;
        this.extract = method;
    }

    @SuppressWarnings("unchecked")
    public Map<Finding, FindingState> extract(String text) {
        if (extract != null) {
            try {
                return (Map<Finding, FindingState>) extract.invoke(extractor, text);
            } catch (ReflectiveOperationException | LinkageError e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                LOG.warnf(cause, "FindingsExtractor failed (%s); using the built-in rules", cause);
            }
        }
        return rules(text);
    }

    static Map<Finding, FindingState> rules(String text) {
        Map<Finding, FindingState> out = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) {
            out.put(f, FindingState.NOT_MENTIONED);
        }
        for (String sentence : text.toLowerCase(Locale.ROOT).split("[.;\\n]")) {
            for (Map.Entry<Finding, List<String>> t : TERMS.entrySet()) {
                int at = firstIndex(sentence, t.getValue());
                if (at < 0) {
                    continue;
                }
                // the clause around the term: from the last comma before it to the first comma after it
                String before = " " + sentence.substring(0, at);
                before = before.substring(before.lastIndexOf(',') + 1);
                String after = sentence.substring(at);
                after = after.indexOf(',') < 0 ? after : after.substring(0, after.indexOf(','));
                FindingState state = firstIndex(before, HEDGES) >= 0 || firstIndex(after, HEDGES) >= 0 ? FindingState.UNCERTAIN
                        : firstIndex(before, NEGATIONS) >= 0 ? FindingState.ABSENT : FindingState.PRESENT;
                out.merge(t.getKey(), state, FindingsExtraction::stronger);
            }
        }
        return out;
    }

    private static FindingState stronger(FindingState a, FindingState b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(FindingState s) {
        return switch (s) {
            case PRESENT -> 3;
            case UNCERTAIN -> 2;
            case ABSENT -> 1;
            case NOT_MENTIONED -> 0;
        };
    }

    private static int firstIndex(String s, List<String> terms) {
        int best = -1;
        for (String term : terms) {
            int i = s.indexOf(term);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }
}
