package org.cxrplatform.contracts.findings;

import java.util.EnumSet;
import java.util.Set;

/** The seven findings CXR-LLaVA v2 was evaluated on (six on MIMIC-CXR, plus pneumonia externally). */
public enum Finding {
    ATELECTASIS("Atelectasis"),
    CARDIOMEGALY("Cardiomegaly"),
    CONSOLIDATION("Consolidation"),
    PULMONARY_EDEMA("Edema"),
    PLEURAL_EFFUSION("Pleural Effusion"),
    PNEUMOTHORAX("Pneumothorax"),
    PNEUMONIA("Pneumonia");

    /** The six findings of the paper's MIMIC-CXR table (macro F1 0.81). */
    public static final Set<Finding> PAPER_SIX =
            EnumSet.of(ATELECTASIS, CARDIOMEGALY, CONSOLIDATION, PULMONARY_EDEMA, PLEURAL_EFFUSION, PNEUMOTHORAX);

    private final String chexpertColumn;

    Finding(String chexpertColumn) {
        this.chexpertColumn = chexpertColumn;
    }

    /** The column name in CheXpert / MIMIC-CXR-JPG label files. */
    public String chexpertColumn() {
        return chexpertColumn;
    }

    /** Human-readable name, for reports and HL7 OBX text. */
    public String display() {
        return name().charAt(0) + name().substring(1).toLowerCase().replace('_', ' ');
    }
}
