package org.cxrplatform.ingest.orders;

import java.util.Locale;
import java.util.Set;
import org.cxrplatform.ingest.config.IngestConfig;

/**
 * Whether an order is a chest radiograph: OBR-4's code is one of the procedure codes, or its words
 * (code, text, alternate text) name both the chest and a radiograph.
 */
final class ChestProcedures {

    private final Set<String> procedureCodes;
    private final Set<String> chestTerms;
    private final Set<String> radiographTerms;

    ChestProcedures(IngestConfig.Orders config) {
        this.procedureCodes = config.procedureCodes();
        this.chestTerms = config.chestTerms();
        this.radiographTerms = config.radiographTerms();
    }

    boolean isChestRadiograph(ParsedOrder order) {
        String code = order.procedureCode() == null || order.procedureCode().isBlank()
                ? null
                : order.procedureCode().trim();
        if (code != null && procedureCodes.contains(code.toUpperCase(Locale.ROOT))) {
            return true;
        }
        String words = (ParsedOrder.nullToEmpty(code) + " " + ParsedOrder.nullToEmpty(order.procedureText()) + " "
                        + ParsedOrder.nullToEmpty(order.procedureAlternateText()))
                .toUpperCase(Locale.ROOT);
        boolean chest = false;
        boolean radiograph = false;
        for (String w : words.split("[^A-Z0-9-]+")) {
            chest |= chestTerms.contains(w);
            radiograph |= radiographTerms.contains(w);
        }
        return chest && radiograph;
    }
}
