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
import static org.cxrplatform.findings.Term.statement;
import static org.cxrplatform.findings.Trigger.Direction.BACKWARD;
import static org.cxrplatform.findings.Trigger.Direction.BOTH;
import static org.cxrplatform.findings.Trigger.Direction.FORWARD;
import static org.cxrplatform.findings.Trigger.Kind.HISTORY;
import static org.cxrplatform.findings.Trigger.Kind.INDICATION;
import static org.cxrplatform.findings.Trigger.Kind.LIMITED;
import static org.cxrplatform.findings.Trigger.Kind.LINK_AFFIRMING;
import static org.cxrplatform.findings.Trigger.Kind.LINK_HEDGING;
import static org.cxrplatform.findings.Trigger.Kind.NEGATED;
import static org.cxrplatform.findings.Trigger.Kind.NEUTRAL;
import static org.cxrplatform.findings.Trigger.Kind.PERSISTING;
import static org.cxrplatform.findings.Trigger.Kind.PRIOR;
import static org.cxrplatform.findings.Trigger.Kind.RESOLVED;
import static org.cxrplatform.findings.Trigger.Kind.RESOLVING;
import static org.cxrplatform.findings.Trigger.adjacent;
import static org.cxrplatform.findings.Trigger.trigger;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the extractor knows about how chest X-ray reports are written, in one place: the
 * layout of a report, shorthand and common typing errors, the names of the seven findings, the
 * triggers that negate, hedge or date them, where a trigger's reach ends, and the critical-alert
 * guard. The classes around it hold no vocabulary. The conventions (what counts as PRESENT) are
 * CheXpert's, with the choices listed in the findings module's README.
 *
 * <p>All patterns run over normalised text: lower case, de-identification tokens ("XXXX", "___")
 * turned into the word {@code xxxx}, shorthand expanded, hyphens between letters turned into
 * spaces, single spaces.
 */
final class Lexicon {

    private Lexicon() {}

    // ---------------------------------------------------------------- 1. Report layout

    /** Sections that say why the image was taken or what the patient had: not read. */
    static final Set<String> CONTEXT_HEADERS = Set.of(
            "indication",
            "indications",
            "clinical indication",
            "clinical indications",
            "reason for exam",
            "reason for examination",
            "reason for study",
            "reason",
            "history",
            "clinical history",
            "hx",
            "clinical information",
            "clinical info",
            "clinical details",
            "clinical notes",
            "clinical",
            "clinical data",
            "ordering diagnosis",
            "presenting complaint",
            "question",
            "clinical question",
            "admitting diagnosis",
            "symptoms");

    /** One-sentence sections about the examination itself: their header sentence is not read. */
    static final Set<String> PROCEDURE_HEADERS = Set.of(
            "comparison",
            "comparisons",
            "compared",
            "priors",
            "technique",
            "examination",
            "exam",
            "procedure",
            "views",
            "view",
            "study",
            "type of study",
            "type of examination",
            "dictated by",
            "signed by");

    /** A header: a few words and a colon at the start of a sentence ("IMPRESSION:", "Clinical details:"). */
    static final Pattern HEADER = Pattern.compile("^([a-z][a-z /]{1,30}?)\\s*:");

    /**
     * A sentence that goes on after a clinical-context header but already describes the image
     * ("Clinical details: cough. Heart not enlarged."): it ends the context.
     */
    static final Pattern OBSERVATION_START =
            Pattern.compile("^(?:the |both |there (?:is|are) |no |stable |unchanged |interval "
                    + "|(?:mild|moderate|small|large|trace|tiny|minimal|severe|patchy|focal|dense|streaky|linear|diffuse|multifocal|hazy"
                    + "|increased|decreased|low|ill defined) "
                    + "|lungs?(?![a-z])|heart(?![a-z])|cardiac|cardiomediastinal|mediastin|pleura|costophrenic|osseous|bony|bones"
                    + "|(?:pa|ap|frontal|lateral|portable|single|two|2) (?:and |view|chest))");

    /**
     * When no findings or impression header follows, a sentence opening with a finding or a size
     * ends the context too ("HX: SOB. Cardiomegaly, stable."); when one does follow, the context
     * runs to it ("INDICATION: Cough. Pneumonia? FINDINGS: ...").
     */
    static final Pattern FINDING_START = Pattern.compile("^(?:persistent|new|left|right"
            + "|bilateral|bibasilar|rll|rml|rul|lll|lul|lingula|cardiomegaly|atelecta|consolidat|effusion|pneumothorax|ptx"
            + "|pneumonia|o?edema|collapse|enlarged|low lung|hyperinfl|calcified|granuloma|degenerative|sternotomy)");

    /** Words whose trailing full stop does not end a sentence ("Dr. Smith", "atelectasis vs. pneumonia"). */
    static final Set<String> ABBREVIATIONS =
            Set.of("dr", "drs", "mr", "mrs", "ms", "vs", "e.g", "i.e", "approx", "a.m", "p.m", "cf", "fig", "st", "pt");

    /** De-identification placeholders of public report sets, read as one unknown word. */
    static final Pattern DEIDENTIFIED = Pattern.compile("\\bX{2,}\\b|_{2,}|\\[\\*\\*[^\\]]*\\*\\*\\]");

    static final String DEIDENTIFIED_WORD = "xxxx";

    /** Shorthand, in order; applied to lower-case text. */
    static final Map<Pattern, String> SHORTHAND = ordered(
            "\\bw/o\\b", "without ",
            "\\bw/", "with ",
            "\\bc/w\\b", "consistent with",
            "\\bs/p\\b", "status post",
            "\\bh/o\\b", "history of",
            "\\br/o\\b", "rule out",
            "\\bf/u\\b", "follow up",
            "\\bb/l\\b", "bilateral",
            "\\bn/a\\b", "",
            "&", " and ",
            // A question mark hedges what follows ("?pneumonia", "cough ? infection"); it never ends a sentence here.
            "\\?", " ? ",
            // "top-normal" -> "top normal"; a hyphen between a word and a number stays.
            "(?<=[a-z])[-\u2010\u2011\u2013](?=[a-z])", " ");

    /**
     * Dictation and typing errors that no edit distance catches or that a general rule would get
     * wrong, as whole phrases. Keep this list explicit: each entry is a known confusion.
     */
    static final Map<Pattern, String> CONFUSIONS = ordered(
            "\\bpleural (?:fusion|infusion|diffusion)(s?)\\b", "pleural effusion$1",
            "\\bplural effusion", "pleural effusion",
            "\\bpneumo thora(x|ces)\\b", "pneumothora$1",
            "\\bhydro pneumothorax\\b", "hydropneumothorax",
            "\\bcardio megaly\\b", "cardiomegaly",
            "\\bo?edemia\\b", "edema",
            "\\bodema\\b", "oedema",
            "\\badema\\b", "edema",
            "\\batelectic\\b", "atelectatic",
            "\\bconsolation\\b", "consolidation");

    /**
     * Long finding words: a word within one edit (insert, delete, substitute, swap) of one of them
     * is read as it ("pneumothroax", "cardiomegally"). Words shorter than {@link #FUZZY_MIN_LENGTH}
     * and the real words in {@link #NOT_TYPOS} are left alone.
     */
    static final List<String> FUZZY_WORDS = List.of(
            "atelectasis",
            "atelectatic",
            "cardiomegaly",
            "consolidation",
            "consolidations",
            "consolidative",
            "pneumothorax",
            "pneumothoraces",
            "hydropneumothorax",
            "pneumonia",
            "pneumonitis",
            "effusion",
            "effusions");

    static final int FUZZY_MIN_LENGTH = 7;
    static final Set<String> NOT_TYPOS = Set.of("pneumonic", "effusive", "pneumonias", "atelectases");

    // ---------------------------------------------------------------- 2. Names of the findings

    /** Words radiologists put between "the heart is" and "enlarged"; triggers among them still act. */
    private static final String HEART_MODIFIERS =
            "(?:(?:mildly|moderately|markedly|severely|massively|slightly|minimally"
                    + "|significantly|substantially|again|still|now|persistently|stably|chronically|at least|likely|possibly|probably"
                    + "|perhaps|questionably|not|no longer|somewhat|further|more|also|very|grossly|diffusely|globally|xxxx"
                    + "|borderline|increasingly|stable and|unchanged and|stably|persistently) )*";

    private static final String HEART = "(?:(?:the )?(?:heart size|heart|cardiac silhouette|cardiac size|cardiac shadow"
            + "|cardiac contours?|heart shadow|cardiac diameter|cardiothoracic ratio|ctr|cardiopericardial silhouette))";
    private static final String COPULA = "(?: ?(?:is|are|remains?|appears?|seems?|looks|is again|has become|:|-))?";
    private static final String NORMAL =
            "(?:normal(?: in size| size| in contour| for technique| given technique)?|nl(?: size)?"
                    + "|of normal size|within normal limits|unremarkable|not enlarged|stable and normal|ok)";
    private static final String MEDIASTINUM =
            "(?:mediastinal|mediastinum|hilar|hila|pulmonary vascularity|pulmonary vasculature"
                    + "|pulmonary xxxx|pulmonary vessels|great vessels)(?: contours?| silhouette)?";

    static final List<Term> TERMS = List.of(
            // Atelectasis. Volume loss alone is not listed: it is also a post-surgical state.
            name(ATELECTASIS, "atelecta\\w*|atx"),
            name(ATELECTASIS, "(?:lobar|lobe|lung|segmental|subsegmental|basal|basilar|lingular) collapse"),
            name(ATELECTASIS, "collapse of the (?:[a-z]+ ){0,3}(?:lobe|lung|lingula)"),
            name(ATELECTASIS, "collapsed (?:[a-z]+ ){0,2}(?:lobe|lung|lingula)"),
            // Bare "collapse" is the lung's in a chest report, unless a vertebra's.
            name(
                    ATELECTASIS,
                    "(?<!vertebral |vertebral body |compression |body |height |wedge )collapse(?! of (?:the )?(?:vertebra"
                            + "|[tl] ?\\d))"),

            // Cardiomegaly. An enlarged cardioMEDIASTINAL silhouette may be mediastinal (CheXpert: Enlarged
            // Cardiomediastinum), so it is not listed; a normal one does rule cardiomegaly out.
            name(CARDIOMEGALY, "cardiomegaly|cardiac enlargement|heart enlargement|cardiomegalic heart"),
            name(
                    CARDIOMEGALY,
                    "enlarged (?:heart|cardiac (?:silhouette|size|shadow|contours?)|cardiopericardial silhouette)"),
            name(
                    CARDIOMEGALY,
                    "enlargement of the (?:heart|cardiac (?:silhouette|shadow|size)|cardiopericardial silhouette)"),
            name(
                    CARDIOMEGALY,
                    "(?:increased|large|big|enlarged) (?:heart|cardiac) (?:size|silhouette|shadow)|large heart"),
            name(
                    CARDIOMEGALY,
                    "(?:left |right |bi)?ventricular enlargement|(?:left |right )?atrial enlargement"
                            + "|cardiac chamber enlargement|(?:multi|four) ?chamber (?:cardiac )?enlargement"),
            name(CARDIOMEGALY, HEART + COPULA + " " + HEART_MODIFIERS + "(?<m>enlarged|large|increased|big)"),
            statement(
                    ABSENT,
                    HEART + "(?:,? and (?:the )?" + MEDIASTINUM + ")?(?:,? and (?:the )?" + MEDIASTINUM + ")?" + COPULA
                            + " (?:again |otherwise |overall )?" + NORMAL,
                    CARDIOMEGALY),
            statement(
                    ABSENT,
                    "(?:the )?heart(?:,| and)? (?:(?:the )?(?:pulmonary xxxx|pulmonary vessels|mediastinum|lungs),? (?:and )?)*"
                            + "(?:the )?(?:mediastinum|pulmonary xxxx|lungs) (?:are|appear) (?:within normal limits|normal|unremarkable)",
                    CARDIOMEGALY),
            statement(
                    ABSENT,
                    "(?:the )?cardiomediastinal(?: and hilar)? (?:silhouette|contours?|shadow)(?: and (?:the )?"
                            + MEDIASTINUM + ")?" + COPULA
                            + " (?:again |otherwise )?(?:normal|within normal limits|unremarkable|stable"
                            + "(?: and (?:normal|within normal limits|unremarkable))?)",
                    CARDIOMEGALY),
            statement(
                    ABSENT,
                    "normal (?:heart size|size heart|sized heart|heart|cardiac (?:silhouette|size|contours?)"
                            + "|cardiomediastinal (?:silhouette|contours?)|size of the (?:heart|cardiac silhouette)|cardiothoracic ratio)"
                            + "|(?:heart|cardiac) size (?:is )?(?:normal|nl)|no cardiac enlargement",
                    CARDIOMEGALY),
            // "Top normal", "upper limits of normal", "borderline": CheXpert labels these uncertain.
            statement(
                    UNCERTAIN,
                    HEART + COPULA
                            + " (?:at (?:the )?)?(?:upper limits? (?:of )?normal|upper normal|top normal|top of normal"
                            + "|high normal|borderline|upper range of normal)(?: (?:size|in size|enlarged|large|to (?:mildly |slightly )?enlarged))?",
                    CARDIOMEGALY),
            statement(
                    UNCERTAIN,
                    "(?:top normal|upper normal|high normal|borderline|upper limits? (?:of )?normal) (?:heart|cardiac) "
                            + "(?:size|silhouette)|borderline (?:heart|cardiac) enlargement",
                    CARDIOMEGALY),
            // The image cannot say: CheXpert labels a heart size that cannot be judged uncertain.
            statement(
                    UNCERTAIN,
                    HEART + COPULA + " (?:difficult|hard|impossible|not possible) to (?:assess|evaluate|judge)"
                            + "|" + HEART
                            + " (?:cannot|can not|could not) be (?:accurately |reliably |adequately )?(?:assessed|evaluated)"
                            + "|" + HEART + COPULA
                            + " (?:likely )?(?:exaggerated|accentuated|magnified|overestimated) by",
                    CARDIOMEGALY),
            // A heart size put down to technique may be an artefact: "enlarged cardiac silhouette, likely due to AP
            // projection".
            statement(
                    UNCERTAIN,
                    "(?:cardiomegaly|cardiac enlargement|enlarged (?:heart|cardiac silhouette)|enlargement of the cardiac"
                            + " silhouette|" + HEART + COPULA + " " + HEART_MODIFIERS
                            + "(?:enlarged|large|prominent)),?(?: [a-z]+){0,3} (?:due to"
                            + "|related to|secondary to|accentuated by|exaggerated by|magnified by|from) (?:the |an? )?(?:ap|portable|supine"
                            + "|low lung volumes|technique|projection|positioning|rotation|lordotic|shallow inspiration|poor inspiration"
                            + "|low inspiratory volumes|hypoinflation)",
                    CARDIOMEGALY),
            hedgedName(
                    CARDIOMEGALY,
                    HEART + COPULA + " " + HEART_MODIFIERS + "(?<m>prominent)|prominent (?:heart|cardiac silhouette)"
                            + "|prominence of the (?:heart|cardiac silhouette)"),

            // Consolidation.
            name(CONSOLIDATION, "consolidat\\w*"),

            // Pulmonary edema. Soft-tissue edema is not pulmonary edema; heart failure names edema as in CheXpert.
            name(
                    PULMONARY_EDEMA,
                    "(?<!soft tissue |subcutaneous |chest wall |mucosal |airway |bowel wall |scalp |facial "
                            + "|laryngeal |periorbital |body wall |extremity |leg |pedal )(?:o?edema|oedema)(?:tous)?"),
            name(
                    PULMONARY_EDEMA,
                    "(?:congestive )?(?:heart|cardiac) failure|congestive failure|chf|left ventricular failure|lvf"
                            + "|(?<=(?:evidence|signs?|features) of )failure"),
            hedgedName(
                    PULMONARY_EDEMA,
                    "(?:pulmonary )?(?:venous |vascular )+(?:congestion|engorgement|hypertension|distension"
                            + "|distention)|pulmonary congestion|upper lobe (?:venous )?diversion|venous diversion"),

            // Pleural effusion. A pericardial or joint effusion is not a pleural one.
            name(PLEURAL_EFFUSION, "(?<!pericardial |joint |knee |middle ear |subdural )effusions?"),
            name(PLEURAL_EFFUSION, "pleural and pericardial effusions?"),
            name(
                    PLEURAL_EFFUSION,
                    "pleural fluid|hydrothorax|hydropneumothorax|layering fluid|fluid layering|empyema"
                            + "|pleural collections?|fluid (?:in|within|at) the (?:left |right )?(?:pleural (?:space|cavity)"
                            + "|costophrenic (?:angle|sulcus|recess))"),
            // Blunting may be pleural thickening: CheXpert labels it uncertain.
            hedgedName(
                    PLEURAL_EFFUSION,
                    "(?:blunting|blunted|obliteration) of (?:the )?(?:[a-z]+ ){0,2}costophrenic"
                            + "(?: (?:angles?|sulcus|sulci|recess(?:es)?|xxxx))?"
                            + "|blunted (?:[a-z]+ ){0,2}costophrenic (?:angles?|sulcus|sulci|recess(?:es)?|xxxx)"
                            + "|costophrenic (?:angles?|sulcus|sulci|recess(?:es)?|xxxx) (?:is |are |remains? )?(?:blunted|blunting)"),
            statement(
                    ABSENT,
                    "costophrenic (?:angles?|sulci|recesses|xxxx) (?:is |are |remain |appear )?(?:sharp|sharply defined"
                            + "|preserved|clear|normal|well defined)|sharp costophrenic angles?",
                    PLEURAL_EFFUSION),
            statement(
                    ABSENT,
                    "pleural spaces? (?:are|is|remain|appear) clear(?! of)|pleura(?:l spaces?)?: (?:normal|clear)",
                    PLEURAL_EFFUSION,
                    PNEUMOTHORAX),

            // Pneumothorax.
            name(PNEUMOTHORAX, "(?:hydro)?pneumothora(?:x|ces)|ptx"),
            name(
                    PNEUMOTHORAX,
                    "pleural air(?: collection)?|air (?:collection )?(?:in|within) the (?:left |right )?pleural "
                            + "(?:space|cavity)"),

            // Pneumonia. Infection names pneumonia as in CheXpert, except granulomatous or tuberculous infection,
            // which on a chest film is old; in a differential the alternatives and hedges make it uncertain.
            // Airspace disease, infiltrate and opacity are CheXpert's Lung Opacity, not pneumonia.
            name(
                    PNEUMONIA,
                    "(?:broncho)?pneumonias?|pneumonitis|pna|pneumonic (?:infiltrates?|consolidation"
                            + "|process|changes?)"),
            name(
                    PNEUMONIA,
                    "(?<!granulomatous |tuberculous |mycobacterial |fungal )(?:infections?|infectious(?: process| etiology"
                            + "| disease| cause| changes?| infiltrates?)?)|lrti|lower respiratory tract infection|chest infection"),

            // "Lungs are clear" rules out the parenchymal findings, not the pleural ones.
            statement(
                    ABSENT,
                    "(?:the )?(?:both )?lungs?(?: fields)?(?: are| is| remain| appear|:)?(?: (?!clear)[a-z]+){0,3} clear(?! of)"
                            + "|clear lungs",
                    ATELECTASIS,
                    CONSOLIDATION,
                    PULMONARY_EDEMA,
                    PNEUMONIA));

    // ---------------------------------------------------------------- 3. Triggers

    /** "Prior" naming the comparison, not a finding's past: "compared to prior", "the previous study". */
    private static final String EXAMINATION =
            "(?:study|studies|exam\\w*|films?|radiographs?|images?|imaging|ct|cxr|chest x ?rays?"
                    + "|x ?rays?|comparisons?|ones?|day|date)";

    static final Pattern COMPARISON =
            Pattern.compile("(?<![a-z])(?:(?:since|from|than|versus|vs\\.?|compared to|compared with"
                    + "|comparison with|relative to) (?:the |a )?(?:prior|previous|recent|earlier|old)(?:(?: chest| portable| frontal)? "
                    + EXAMINATION + "|(?=\\s*(?:[,;.]|$|(?:and|with|there|which) )))"
                    // Bare "from prior" names the comparison only where the clause ends: "scarring from prior
                    // infection" is history.
                    + "|(?:prior|previous|recent|earlier|old) " + EXAMINATION + ")(?![a-z])");

    private static final String SEEN =
            "(?:seen|identified|present|visualized|visualised|visible|evident|demonstrated|detected"
                    + "|appreciated|noted|apparent|observed|shown|depicted|found)";
    private static final String BE = "(?:is|are|was|were|has been|have been|is again|are again)";
    private static final String SURELY = "(?:definitely |definitively |convincingly |currently |again |confidently )?";

    /**
     * In table order: a phrase matched earlier claims its words, so "no change in" (persisting)
     * wins over "no", "cannot be excluded" (hedge) over a negation, "nearly resolved" (resolving)
     * over "resolved".
     */
    static final List<Trigger> TRIGGERS = List.of(
            // Talk of change: the finding is still there, whatever negation word the phrase holds.
            trigger(
                    PERSISTING,
                    BOTH,
                    "(?:no|without) (?:(?:significant|interval|appreciable|substantial|further|definite|other"
                            + "|major|marked|gross|radiographic|visible|appreciable) )*(?:change|increase|worsening|progression|enlargement"
                            + "|decrease)(?: in| of)?(?: the)?(?: size of)?"),
            trigger(
                    PERSISTING,
                    BOTH,
                    "not (?:significantly |substantially |appreciably |markedly )?(?:changed|improved|increased"
                            + "|worsened|decreased)"),
            trigger(
                    PERSISTING,
                    BOTH,
                    "(?:(?:has |have )?not (?:yet |completely |fully |entirely |totally )?|incompletely |partially "
                            + "|partly )(?:resolved|cleared)|partial (?:resolution|clearing)(?: of)?"),
            trigger(NEUTRAL, BOTH, "not only"),
            // "A pneumothorax which was not present on the prior study" is new, not absent.
            trigger(
                    PERSISTING,
                    BACKWARD,
                    "(?:which |that )?(?:was|were|is|are) not (?:present|seen|visible|evident|identified)"
                            + " (?:on|in) (?:the )?(?:prior|previous|earlier|comparison|recent)"),
            // "Prior" as the comparison, not the finding's past.
            new Trigger(NEUTRAL, BOTH, Trigger.Reach.CLAUSE, COMPARISON),

            // Resolving: something is left, on its way out. Not asserted as present (see README).
            trigger(
                    RESOLVING,
                    BOTH,
                    "(?:nearly|almost|largely|mostly|near(?:ly)? completely|almost completely|virtually|near totally)"
                            + " (?:resolved|cleared)|near(?: complete| total)? (?:resolution|clearing)(?: of)?|(?:nearly|almost) (?:complete|total)"
                            + " (?:resolution|clearing)(?: of)?|resolving|resolution is nearly complete|healing"),
            // Resolved: gone.
            trigger(
                    RESOLVED,
                    BOTH,
                    "(?:(?:has|have|had) )?(?:since |now |completely |entirely |fully |essentially |interval(?:ly)? "
                            + "|totally |also )?(?:resolved|cleared|disappeared)"),
            trigger(RESOLVED, BACKWARD, "(?:" + BE + " )?no longer " + SURELY + SEEN + "?"),
            trigger(
                    RESOLVED,
                    FORWARD,
                    "(?:interval |complete |total |subsequent )?(?:resolution|clearing|disappearance) of"
                            + "(?: the)?(?: previously (?:seen|noted|described|demonstrated|identified))?|no longer"),

            // The question asked, holding a hedge word: "requested for query pneumonia", "referred for ? effusion".
            trigger(
                    INDICATION,
                    FORWARD,
                    "(?:requested|ordered|referred|sent|performed|obtained|done) (?:for|to (?:exclude|assess"
                            + "|evaluate|rule out))(?: (?:query|questionable|possible|suspected|\\?))?"),

            // Hedges holding a negation word come before the negations.
            trigger(
                    Trigger.Kind.UNCERTAIN,
                    BOTH,
                    "(?:cannot|can not|can't|could not|not|may not) (?:be )?(?:entirely |completely "
                            + "|totally |definitely |definitively |confidently |reliably )?(?:excluded?|ruled out|rule out)"),
            trigger(
                    Trigger.Kind.UNCERTAIN,
                    BOTH,
                    "(?:difficult|hard) to (?:exclude|rule out)|not (?:entirely |completely )?certain"
                            + "|uncertain(?: significance)?|indeterminate|equivocal"),
            trigger(
                    Trigger.Kind.UNCERTAIN,
                    BACKWARD,
                    "(?:may|might|could|can|would)(?: also)?(?: possibly)? (?:be present|be seen"
                            + "|coexist|be superimposed|be contributing|contribute|(?:be|have been|go) (?:missed|overlooked|hidden|masked"
                            + "|undetected))"),
            trigger(
                    Trigger.Kind.UNCERTAIN,
                    FORWARD,
                    "(?:may|might|could|would|can)(?: also)?(?: possibly)? (?:represent|reflect"
                            + "|indicate|include|be due to|be related to|relate to|be|signify|suggest|correspond to|account for|have)"),
            // "Pneumonia is likely." at the end of a clause: "opacity is likely atelectasis" hedges the atelectasis.
            // "Atelectasis is more likely than pneumonia": both sides are hedged.
            trigger(
                    Trigger.Kind.UNCERTAIN,
                    BOTH,
                    "(?:is|are)(?: (?:considered|thought|felt))? (?:(?:more|less) likely than"
                            + "|favou?red over|preferred over)"),
            trigger(
                    Trigger.Kind.UNCERTAIN,
                    BACKWARD,
                    "(?:is|are|remains?)(?: also)?(?: (?:considered|thought|felt|believed)"
                            + "(?: to be)?)?(?: (?:most|more|less))? (?:likely|possible|probable|suspected|favou?red|questioned|considered"
                            + "|a (?:consideration|possibility|concern)|unlikely|not excluded)"
                            + "(?=\\s*(?:[,;.]|$|given|because|as|since|due|in view|over|rather|than))"),
            trigger(
                    Trigger.Kind.UNCERTAIN,
                    BACKWARD,
                    "(?:is|are) (?:most |more )?(?:likely|possibly|probably) present"),
            trigger(
                    Trigger.Kind.UNCERTAIN,
                    BOTH,
                    "in the (?:appropriate|right|correct|proper) clinical (?:setting|context)"
                            + "|(?:clinical(?:ly)?|please) correlat\\w*|correlate clinically|(?:less )?unlikely|versus|vs\\.?"),
            trigger(
                    Trigger.Kind.UNCERTAIN,
                    FORWARD,
                    "(?:most |more |less )?likely|possible|possibly|probable|probably|presumed"
                            + "|presumably|presumptive|suspected|suspect|suspicion (?:of|for)|question(?:able|ably)?(?: of)?|borderline"
                            + "|potential(?:ly)?|perhaps|maybe|favou?r(?:s|ed|ing)?|differential (?:diagnosis )?(?:includes?|considerations?"
                            + "(?: includes?)?)|(?:could|may) be|apparent|query|cannot exclude|can't exclude|not exclude|either"),
            trigger(Trigger.Kind.UNCERTAIN, BACKWARD, "\\?(?=\\s*(?:[,;.]|$))"),
            trigger(Trigger.Kind.UNCERTAIN, FORWARD, "\\?"),

            // Links: "no opacity to suggest pneumonia" (the negation passes through), "opacity suggestive
            // of pneumonia" (a hedge alone), "consolidation consistent with pneumonia" (affirms alone).
            trigger(
                    LINK_HEDGING,
                    FORWARD,
                    "to suggest|to indicate|suggest(?:s|ing|ed|ive)?(?: of)?|suggestion of|suspicious (?:of|for)"
                            + "|concerning (?:of|for)|concern for|worrisome (?:of|for)|raising (?:the )?(?:possibility|question|concern) of"
                            + "|in favou?r of"),
            trigger(
                    LINK_AFFIRMING,
                    FORWARD,
                    "consistent with|compatible with|in keeping with|characteristic of|diagnostic of"
                            + "|typical of|representing|to represent|which represents?|due to|secondary to|from|reflecting|indicative of"
                            + "|evidence of|signs? of|findings? of"),

            // The image cannot answer.
            trigger(
                    LIMITED,
                    FORWARD,
                    "(?:limited|reduced|suboptimal|decreased) (?:evaluation|assessment|sensitivity|exam\\w*|study"
                            + "|visuali[sz]ation|detection) (?:for|of)(?: (?:a|an|the|any|small|subtle|tiny))?"
                            + "|limit(?:s|ing)? (?:the )?(?:evaluation|assessment|sensitivity|detection) (?:for|of)(?: (?:a|an|the|any|small))?"
                            + "|(?:assessment|evaluation|sensitivity|detection|exclusion|visuali[sz]ation) (?:for|of)(?: (?:a|an|the|any|small"
                            + "|subtle|tiny))?(?= [^.;]{0,60}?(?:limited|reduced|difficult|suboptimal|impaired|not possible|compromised"
                            + "|hampered|restricted|precluded))"),
            trigger(
                    LIMITED,
                    BACKWARD,
                    "(?:is|are|was|were) (?:not (?:well|adequately|fully|reliably|optimally|clearly) |poorly "
                            + "|incompletely )(?:seen|evaluated|assessed|visuali[sz]ed|imaged|included)|(?:cannot|can not|could not) be "
                            + "(?:adequately |reliably |accurately |fully |well )?(?:assessed|evaluated|visuali[sz]ed|seen)"
                            + "|(?:poorly|incompletely) (?:evaluated|assessed|visuali[sz]ed)|not (?:well|clearly) (?:evaluated|assessed"
                            + "|visuali[sz]ed)|(?:is|are) obscured"),
            trigger(
                    LIMITED,
                    BOTH,
                    "(?:difficult|hard|unable|impossible|not possible) to (?:assess|evaluate|see|exclude)"),
            // "Pneumothorax assessment is limited".
            trigger(
                    LIMITED,
                    BACKWARD,
                    "(?:assessment|evaluation|detection|exclusion|sensitivity)(?: (?:is|are|was|remains?))?"
                            + " (?:limited|reduced|suboptimal|compromised|not possible|difficult)"),

            // The question asked.
            trigger(
                    INDICATION,
                    FORWARD,
                    "(?:to |please )?(?:evaluate|eval|assess|rule out|rule-out|exclude|check|look|screen"
                            + "|search)(?: for| of)?(?: (?:a|an|the|any|possible|interval|new|presence of))?"
                            + "|evaluation for|assessment of|question of|follow(?: |-)?up (?:of|for)|for (?:possible|suspected|presumed"
                            + "|known|treatment of|drainage of)|(?:chest )?(?:tubes?|drains?|catheters?|pigtails?|thoracostomy|thoracentesis)"
                            + "(?: (?:was|were|is|has been|have been))?(?: (?:placed|inserted|done|performed))? for|treated for"
                            + "|treatment (?:of|for)|being treated|antibiotics for|admitted (?:with|for)|presents? with|presenting with"
                            + "|complains? of|complaining of|reason for|indication|clinical (?:concern|suspicion|question) (?:of|for)"
                            + "|concern (?:of|regarding)"),

            // The patient's history. Strong: holds even if "recurrent" or "known" follows.
            trigger(
                    HISTORY,
                    FORWARD,
                    "(?:past (?:medical )?)?history of|hx of|hx|status post|known history of|(?:prior|previous)"
                            + " history of|(?:in|with) a (?:patient|man|woman) with|(?:patient|pt|man|woman|male|female|child|individual|gentleman"
                            + "|lady|boy|girl) (?:with|who has|who had|has|had|known to have)|sequela(?:e)? of|residua of|residuals? of"
                            + "|evidence of (?:prior|previous|old|remote|healed|past)"),
            // A finding named as past: undone by a sign that it is still there.
            adjacent(
                    PRIOR,
                    FORWARD,
                    "prior|previous|previously (?:seen|noted|described|demonstrated|identified|reported"
                            + "|visualized|present)|old|remote|recent|recently|healed|treated|post ?(?:inflammatory|infectious)"
                            + "|postinflammatory|postinfectious"),

            // Still there.
            trigger(
                    PERSISTING,
                    BOTH,
                    "persist\\w*|unchanged|stable|stably|again (?:seen|noted|identified|demonstrated|visualized"
                            + "|present)|redemonstrat\\w*|remains?|remaining|residual|known|chronic\\w*|continued|continues|improv\\w*"
                            + "|increas\\w*|decreas\\w*|worse|worsen\\w*|larger|smaller|enlarging|progress\\w*|re ?accumulat\\w*|recurren\\w*"
                            + "|recurring|new|newly|developing|evolving|less|more|similar|same|now|still|ongoing"),

            // Negation.
            trigger(NEGATED, BACKWARD, "(?:: ?)?(?:" + BE + " )?(?:not|no longer|none) " + SURELY + SEEN),
            trigger(
                    NEGATED,
                    BACKWARD,
                    ": ?(?:none|negative|no|absent|nil"
                            + "|not seen)|(?:- ?|, )(?:none|negative|no|absent|nil)(?=\\s*(?:[,;.]|$))|none|nil"),
            trigger(NEGATED, BOTH, "(?:" + BE + " )?(?:absent|ruled out|excluded|negative(?! for))"),
            trigger(
                    NEGATED,
                    FORWARD,
                    "(?:interval )?absence of|no longer|negative for|neg for|free of|clear of|rather than|instead of"
                            + "|without|(?:does|do|did) not (?:show|demonstrate|reveal|have|see|identify)|no evidence (?:of|for)|no|nor|neither"
                            + "|not|never|none of|denies|lack of|ruled out for|mimic\\w*|simulat\\w*"));

    // ---------------------------------------------------------------- 4. Where a trigger's reach ends

    /**
     * A new clause, for triggers either side: "no pneumothorax, but a small effusion". Commas do
     * not end it ("no effusion, consolidation or pneumothorax" negates all three) unless what
     * follows starts a new statement.
     */
    static final Pattern CLAUSE_BREAK =
            Pattern.compile("[;:]|(?<![a-z])(?:but|however|although|though|except|aside from|apart from"
                    + "|other than|whereas|while|yet|nevertheless|otherwise|there (?:is|are|has been|have been|was|were|remains?)"
                    + "|and (?:the|there|a|an|now|also|then|this)|now)(?![a-z])"
                    + "|,\\s*(?=(?:stable|unchanged|persistent|again|redemonstrat\\w*|now|new|increased|decreased|worsening|improving"
                    + "|small|moderate|trace|tiny|mild|minimal|subtle|slight|moderately|mildly|markedly"
                    + "|bilateral|left|right|bibasilar|dense|patchy|focal|multifocal|diffuse|an?|the|there|this|it"
                    // A new subject: "no effusion, heart enlarged".
                    + "|heart|cardiac|lungs?|mediastin\\w*|pleura|costophrenic|osseous|bones?)(?![a-z]))");

    /**
     * Ends only the reach of negations and dates before it: "no cardiomegaly with small
     * effusions", "no effusion, which ...". A hedge carries on ("likely atelectasis with small
     * effusion"), and a trigger after it still reaches back ("effusion, which has resolved").
     */
    static final Pattern FORWARD_BREAK = Pattern.compile("(?<![a-z])(?:with|which|that|who|whose|where|accompanied by"
            + "|associated with|along with|together with|in addition to|as well as|plus)(?![a-z])");

    /**
     * A size or severity word right after a finding name (only white space, a comma or "and"
     * between) starts a new assertion: "no pneumothorax small effusion", "no pneumothorax and
     * small effusion"; after "or" it does not ("no pneumothorax or large effusion").
     */
    static final Pattern SIZE_WORD = Pattern.compile("(?<![a-z])(?:small|moderate|trace|tiny|mild|minimal|subtle|slight"
            + "|moderately|mildly|markedly|new|increasing|increased|persistent|dense|bibasilar)(?![a-z])");

    static final Pattern AFTER_A_NAME = Pattern.compile("^[\\s,]*(?:and\\s+)?$");

    /**
     * A verb between a finding and a trigger after it means the trigger belongs to another clause:
     * "atelectasis has improved and effusion has resolved".
     */
    static final Pattern VERB =
            Pattern.compile("(?<![a-z])(?:is|are|was|were|has|have|had|remains?|appears?|shows?|demonstrates?"
                    + "|measures?|extends?|causes?|causing|obscures?|obscuring)(?![a-z])");

    /** An auxiliary just before a trigger belongs to it: "infection is not excluded". */
    static final Pattern TRAILING_AUXILIARY =
            Pattern.compile("(?: (?:is|are|was|were|has|have|been|remains?|appears?|also))+ ?$");

    /**
     * "Atelectasis or pneumonia", "atelectasis versus scarring", "collapse/consolidation": a name
     * offered as one of alternatives is a hedge (CheXpert), when no trigger governs it.
     */
    static final Pattern ALTERNATIVE_AFTER = Pattern.compile("^(?:,? (?:or|and/or|versus|vs\\.?) |\\s?/\\s?(?=[a-z]))");

    static final Pattern ALTERNATIVE_BEFORE =
            Pattern.compile("(?:(?<![a-z])(?:or|and/or|versus|vs\\.?) (?:[a-z]+ ){0,3}" + "|[a-z]\\s?/\\s?)$");

    /** How far an {@link Trigger.Reach#ADJACENT} trigger reaches. */
    static final int ADJACENT_WORDS = 4;

    // ---------------------------------------------------------------- 5. The critical-alert guard

    /**
     * A critical alert is raised only on a PRESENT finding (negation and hedges are the
     * extractor's), and only when the clause that names it holds none of these, wherever they
     * stand: a question or indication, a limit of the examination, a hypothetical or advice.
     */
    static final Pattern ALERT_VETO_ANYWHERE = Pattern.compile(
            "(?<![a-z])(?:evaluat\\w*|eval|assess\\w*|rule out|exclud\\w*"
                    + "|question\\w*|query|check\\w*|look for|screen\\w*|follow up|indication|reason|concern\\w*|suspect\\w*"
                    + "|suspicio\\w*|may|might|could|would|should|if|risk|prevent\\w*|precaution\\w*|recommend\\w*|consider\\w*"
                    + "|correlat\\w*|limit\\w*|suboptimal|sensitiv\\w*|obscur\\w*|difficult|cannot|unable|nondiagnostic)(?![a-z])|\\?");

    /**
     * ... nor, up to three words before the name, its history or a device placed for it
     * ("history of recurrent pneumothorax", "prior right pneumothorax", "chest tube for pneumothorax").
     */
    static final Pattern ALERT_VETO_BEFORE =
            Pattern.compile("(?<![a-z])(?:history|hx|status post|prior|previous\\w*|old|remote"
                    + "|recent\\w*|healed|treated|treatment|sequela\\w*|for)(?: [a-z]+){0,3} $");

    /** ... unless the clause says it is still there ("previously noted pneumothorax is again seen"). */
    static final Pattern ALERT_STILL_THERE =
            Pattern.compile("(?<![a-z])(?:again|persist\\w*|unchanged|stable|remains?|residual"
                    + "|smaller|larger|increas\\w*|decreas\\w*|enlarg\\w*)(?![a-z])");

    /** Where a clause ends for the alert guard. */
    static final Pattern ALERT_CLAUSE_BREAK =
            Pattern.compile("[,;:]|(?<![a-z])(?:but|however|although|though|whereas|while"
                    + "|which|that|and (?:the|there|a|an))(?![a-z])");

    private static Map<Pattern, String> ordered(String... regexAndReplacement) {
        Map<Pattern, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < regexAndReplacement.length; i += 2) {
            map.put(Pattern.compile(regexAndReplacement[i]), regexAndReplacement[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
