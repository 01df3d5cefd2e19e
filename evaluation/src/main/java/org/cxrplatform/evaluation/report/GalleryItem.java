package org.cxrplatform.evaluation.report;

import java.util.List;

/**
 * One study of the HTML gallery of largest disagreements.
 *
 * @param pngBase64 a down-scaled PNG of the image, or null when the image could not be shown
 * @param imageNote why there is no picture, when there is none
 */
public record GalleryItem(
        String id, String image, String pngBase64, String imageNote, String report, int disagreements, List<Row> rows) {

    /** @param label "1", "0", "-1" or "" ; @param predicted the extractor's state */
    public record Row(String finding, String label, String predicted, boolean disagrees) {}
}
