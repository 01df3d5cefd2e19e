package org.cxrplatform.findings;

import static org.cxrplatform.contracts.findings.Finding.ATELECTASIS;
import static org.cxrplatform.contracts.findings.Finding.CARDIOMEGALY;
import static org.cxrplatform.contracts.findings.Finding.CONSOLIDATION;
import static org.cxrplatform.contracts.findings.Finding.PLEURAL_EFFUSION;
import static org.cxrplatform.contracts.findings.Finding.PNEUMONIA;
import static org.cxrplatform.contracts.findings.Finding.PNEUMOTHORAX;
import static org.cxrplatform.contracts.findings.Finding.PULMONARY_EDEMA;
import static org.cxrplatform.contracts.findings.FindingState.ABSENT;
import static org.cxrplatform.contracts.findings.FindingState.UNCERTAIN;
import static org.cxrplatform.findings.Term.hedgedName;
import static org.cxrplatform.findings.Term.name;
import static org.cxrplatform.findings.Term.predicate;
import static org.cxrplatform.findings.Term.statement;

import java.util.List;

/**
 * How reports name the seven findings. Mostly CheXpert's mention lists, with the choices below
 * made so that our labels stay comparable with the CheXpert / MIMIC-CXR-JPG labels the
 * evaluation compares against:
 * <ul>
 *   <li>"airspace opacity/disease" is CheXpert's Lung Opacity, not Consolidation, so it is not listed;</li>
 *   <li>"vascular congestion" is a hedged edema name, costophrenic blunting a hedged effusion
 *       name (CheXpert labels both uncertain);</li>
 *   <li>"heart failure"/"CHF" names edema, as in CheXpert;</li>
 *   <li>an enlarged <em>cardiomediastinal</em> silhouette may be mediastinal, so it is not
 *       cardiomegaly, while a normal one does rule cardiomegaly out.</li>
 * </ul>
 */
final class Vocabulary {

    /** Adverbs radiologists put between "heart is" and "enlarged". */
    private static final String DEGREE = "(?:(?:mildly|moderately|markedly|severely|massively|slightly|minimally"
            + "|significantly|substantially|again|still|now|persistently|stably|chronically|at least) )*";
    private static final String HEART = "(?:the )?(?:heart size|heart|cardiac silhouette|cardiac size|cardiac shadow)";
    private static final String COPULA = "(?: (?:is|are|remains|remain|appears|appear|is again))?";
    private static final String CARDIOMEDIASTINAL =
            "(?:the )?cardiomediastinal(?: and hilar)? (?:silhouette|contours?)";

    static final List<Term> TERMS = List.of(
            name(ATELECTASIS, "atelecta\\w*"),
            name(ATELECTASIS, "(?:lobar|lobe|lung|segmental|subsegmental) collapse"),
            name(ATELECTASIS, "collapse of the (?:[a-z]+ ){0,3}(?:lobe|lung)"),
            name(ATELECTASIS, "collapsed (?:[a-z]+ ){0,2}(?:lobe|lung)"),

            name(CARDIOMEGALY, "cardiomegaly|cardiac enlargement"),
            name(CARDIOMEGALY, "enlarged (?:heart|cardiac (?:silhouette|size|shadow))"),
            name(CARDIOMEGALY, "enlargement of the (?:heart|cardiac silhouette)"),
            name(CARDIOMEGALY, "(?:increased|large) heart size"),
            predicate(CARDIOMEGALY, HEART + COPULA + " " + DEGREE + "(?:enlarged|increased|large)"),
            // "Normal heart size" is a statement about the finding, not a negated name.
            statement(ABSENT, HEART + "(?: and (?:the )?(?:mediastinal|hilar|mediastinum|hila)\\w*(?: contours?| silhouette)?)?"
                    + COPULA + " (?:normal(?: in size)?|of normal size|within normal limits|unremarkable|not enlarged|not increased)",
                    CARDIOMEGALY),
            statement(ABSENT, CARDIOMEDIASTINAL + COPULA + " (?:normal|within normal limits|unremarkable)", CARDIOMEGALY),
            statement(ABSENT, "normal (?:heart size|size heart|sized heart|cardiac (?:silhouette|size|contours?)"
                    + "|cardiomediastinal (?:silhouette|contours?)|size of the (?:heart|cardiac silhouette))", CARDIOMEGALY),
            // "Top normal" and "borderline" hedge; CheXpert labels borderline heart size uncertain.
            statement(UNCERTAIN, HEART + COPULA + " (?:at (?:the )?)?(?:upper limits? of normal|upper normal|top normal"
                    + "|borderline(?: enlarged| in size)?)", CARDIOMEGALY),
            statement(UNCERTAIN, "(?:top normal|upper normal|borderline) (?:heart|cardiac) (?:size|silhouette)", CARDIOMEGALY),

            name(CONSOLIDATION, "consolidat\\w*"),

            // Soft-tissue edema is not pulmonary edema.
            name(PULMONARY_EDEMA, "(?<!soft tissue |subcutaneous |chest wall )o?edema(?:tous)?"),
            name(PULMONARY_EDEMA, "(?:congestive )?heart failure|chf"),
            hedgedName(PULMONARY_EDEMA, "(?:pulmonary )?(?:venous |vascular )+(?:congestion|engorgement|prominence)"),
            hedgedName(PULMONARY_EDEMA, "pulmonary congestion"),

            // A pericardial effusion is not a pleural one.
            name(PLEURAL_EFFUSION, "(?<!pericardial )effusions?"),
            name(PLEURAL_EFFUSION, "pleural fluid|hydrothorax|hydropneumothorax|layering fluid"),
            // Blunting may be pleural thickening: CheXpert labels it uncertain.
            hedgedName(PLEURAL_EFFUSION, "(?:blunting|blunted|obliteration) of the (?:[a-z]+ ){0,2}costophrenic (?:angles?|sulcus|sulci)"
                    + "|blunted (?:[a-z]+ ){0,2}costophrenic (?:angles?|sulcus|sulci)"
                    + "|costophrenic (?:angles?|sulcus|sulci) (?:is |are |remains? )?blunted"),
            statement(ABSENT, "costophrenic (?:angles?|sulci) (?:is |are |remain )?(?:sharp|sharply defined|preserved|clear)"
                    + "|sharp costophrenic angles?", PLEURAL_EFFUSION),
            statement(ABSENT, "pleural spaces? (?:are|is|remain) clear(?! of)", PLEURAL_EFFUSION, PNEUMOTHORAX),

            name(PNEUMOTHORAX, "(?:hydro)?pneumothora(?:x|ces)|ptx"),

            name(PNEUMONIA, "(?:broncho)?pneumonias?|infection|infectious(?: process| etiology)?"),

            // "Lungs are clear" rules out the parenchymal findings, not the pleural ones.
            statement(ABSENT, "(?:the )?lungs?(?: fields)? (?:are|is|remain|appear)(?: (?!clear)[a-z]+){0,3} clear(?! of)"
                    + "|clear lungs", ATELECTASIS, CONSOLIDATION, PULMONARY_EDEMA, PNEUMONIA));

    private Vocabulary() {
    }
}
