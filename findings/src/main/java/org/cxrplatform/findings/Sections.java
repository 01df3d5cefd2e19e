package org.cxrplatform.findings;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Report sections. The indication and history say what the clinician asks ("rule out
 * pneumonia"), not what the image shows, so their sentences are not labelled, up to the next
 * header or blank line. CheXpert goes further and reads only the impression. Text before any
 * header is labelled (model reports usually have none).
 */
final class Sections {

    private static final Pattern HEADER = Pattern.compile("^([a-z][a-z ]{2,30}):");

    private static final Set<String> CLINICAL_CONTEXT = Set.of(
            "indication", "indications", "clinical indication", "history", "clinical history",
            "clinical information", "clinical details", "reason for exam", "reason for examination");

    private Sections() {
    }

    /** The header a normalised sentence opens with, if any ("impression"). */
    static Optional<String> header(String normalisedSentence) {
        Matcher m = HEADER.matcher(normalisedSentence);
        return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
    }

    static boolean isClinicalContext(String header) {
        return CLINICAL_CONTEXT.contains(header);
    }
}
