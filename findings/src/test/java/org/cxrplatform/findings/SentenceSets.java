package org.cxrplatform.findings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.cxrplatform.contracts.findings.Finding;
import org.cxrplatform.contracts.findings.FindingState;

/** Reads a labelled sentence set from the class path and prints where the extractor disagrees with it. */
final class SentenceSets {

    private SentenceSets() {}

    static List<LabelledSentence> read(String resource) throws IOException {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(SentenceSets.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
            return LabelledSentence.readTsv(in);
        }
    }

    static void printDisagreements(FindingsExtractor extractor, List<LabelledSentence> sentences) {
        for (LabelledSentence sentence : sentences) {
            Map<Finding, FindingState> got = extractor.extract(sentence.text());
            for (Finding finding : Finding.values()) {
                if (got.get(finding) != sentence.expected().get(finding)) {
                    System.out.printf(
                            "MISS %-16s expected %-13s got %-13s | %s%n",
                            finding, sentence.expected().get(finding), got.get(finding), sentence.text());
                }
            }
        }
    }
}
