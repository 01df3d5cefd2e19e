package org.cxrplatform.ingest.select;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.cxrplatform.ingest.config.IngestConfig;

/**
 * Decides whether an instance is a frontal chest radiograph the model should read. Everything
 * else is recorded and skipped with a reason; the reason's {@link Decision#code()} is a metric tag.
 *
 * <p>Thread-safe (immutable).
 */
public final class Selection {

    /** The verdict: {@code code} is a short stable tag, {@code reason} the human-readable why. */
    public record Decision(boolean selected, String code, String reason) {
        static Decision select(String reason) {
            return new Decision(true, "selected", reason);
        }

        static Decision skip(String code, String reason) {
            return new Decision(false, code, reason);
        }
    }

    private final IngestConfig.Selection settings;

    public Selection(IngestConfig.Selection settings) {
        this.settings = settings;
    }

    public Decision decide(InstanceHeader h) {
        if (h.modality() == null || !settings.modalities().contains(h.modality())) {
            return Decision.skip("modality", "modality " + h.modality() + " is not one of " + settings.modalities());
        }
        String describedIn = words(h.protocolName(), h.studyDescription(), h.seriesDescription()).stream()
                .filter(settings.chestTerms()::contains)
                .findFirst()
                .orElse(null);
        if (h.bodyPartExamined() != null && !settings.chestTerms().contains(h.bodyPartExamined())) {
            return Decision.skip("body-part", "body part " + h.bodyPartExamined() + " is not the chest");
        }
        if (h.bodyPartExamined() == null && describedIn == null) {
            return Decision.skip("body-part", "no body part and no protocol or description naming the chest");
        }
        String view = h.viewPosition();
        if (view != null && settings.lateralViews().contains(view)) {
            return Decision.skip("lateral", "lateral or oblique view (ViewPosition=" + view + ")");
        }
        if (view != null && settings.frontalViews().contains(view)) {
            return Decision.select("frontal chest (" + view + ")");
        }
        Set<String> descWords = words(h.protocolName(), h.seriesDescription());
        if (descWords.stream().anyMatch(settings.lateralViews()::contains)) {
            return Decision.skip("lateral", "lateral view named in protocol/series description");
        }
        if (view != null) {
            return Decision.skip("view", "view position " + view + " is not frontal");
        }
        return Decision.select("chest, no view position (frontal assumed)");
    }

    private static Set<String> words(String... texts) {
        return Arrays.stream(texts)
                .filter(t -> t != null)
                .flatMap(t -> Arrays.stream(t.toUpperCase(Locale.ROOT).split("[^A-Z0-9]+")))
                .filter(w -> !w.isEmpty())
                .collect(Collectors.toSet());
    }
}
