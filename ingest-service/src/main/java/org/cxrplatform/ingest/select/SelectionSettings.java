package org.cxrplatform.ingest.select;

import java.util.Set;

/**
 * What counts as a chest radiograph for inference.
 *
 * @param modalities   accepted modalities (CR, DX, DR)
 * @param chestTerms   body part values, or words of protocol/study/series descriptions, naming the chest
 * @param frontalViews accepted View Position values (PA, AP)
 * @param lateralViews View Position values (and description words) that mark a lateral or oblique view
 */
public record SelectionSettings(Set<String> modalities, Set<String> chestTerms, Set<String> frontalViews,
                                Set<String> lateralViews) {

    public static SelectionSettings defaults() {
        return new SelectionSettings(Set.of("CR", "DX", "DR"), Set.of("CHEST", "THORAX", "LUNG", "LUNGS", "CXR"),
                Set.of("PA", "AP"), Set.of("LL", "RL", "LATERAL", "LAT", "LLD", "RLD", "LAO", "RAO", "LPO", "RPO"));
    }
}
