package org.cxrplatform.findings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Splits report text into sentences, and normalises a sentence for matching. */
final class Sentences {

    /** Words whose trailing full stop does not end a sentence ("Dr. Smith", "atelectasis vs. pneumonia"). */
    private static final Set<String> ABBREVIATIONS = Set.of(
            "dr", "drs", "mr", "mrs", "ms", "vs", "e.g", "i.e", "approx", "a.m", "p.m", "cf", "fig", "st", "pt");

    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n[ \\t\\r]*\\n");
    private static final Pattern HEADER_LINE = Pattern.compile("[ \\t]*[A-Za-z][A-Za-z ]{2,30}:");

    private Sentences() {
    }

    /** Blocks of text between blank lines; a section never runs across one. */
    static List<String> paragraphs(String text) {
        return List.of(PARAGRAPH_BREAK.split(text));
    }

    /**
     * Ends a sentence at ".", "!" or "?" followed by white space (so "1.5 cm" stays whole) unless
     * the word before is an abbreviation or a single letter, and at a line opening with a section
     * header. Any other line break does not end a sentence: report text is often wrapped
     * mid-sentence. Split paragraphs first.
     */
    static List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean stop = (c == '.' || c == '!' || c == '?') && followedBySpace(text, i) && !abbreviation(text, i);
            if (stop || c == '\n' && headerFollows(text, i)) {
                add(sentences, text.substring(start, i + 1));
                start = i + 1;
            }
        }
        add(sentences, text.substring(start));
        return sentences;
    }

    /** Lower case, hyphenated words split ("top-normal" → "top normal"), single spaces. */
    static String normalise(String sentence) {
        return sentence.toLowerCase(Locale.ROOT)
                .replaceAll("(?<=[a-z])[-\u2010\u2013](?=[a-z])", " ")
                .replaceAll("\\s+", " ")
                .trim();
    }

    private static boolean followedBySpace(String text, int i) {
        return i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1));
    }

    /** A line that opens with "IMPRESSION:" starts a section even without a blank line before it. */
    private static boolean headerFollows(String text, int newline) {
        return HEADER_LINE.matcher(text).region(newline + 1, text.length()).lookingAt();
    }

    private static boolean abbreviation(String text, int dot) {
        int begin = dot;
        while (begin > 0 && (Character.isLetter(text.charAt(begin - 1)) || text.charAt(begin - 1) == '.')) {
            begin--;
        }
        String word = text.substring(begin, dot).toLowerCase(Locale.ROOT);
        return word.length() == 1 || ABBREVIATIONS.contains(word);
    }

    private static void add(List<String> sentences, String piece) {
        String sentence = piece.replaceAll("\\s+", " ").trim();
        // A bare list number ("2.") or a lone stop carries nothing.
        if (sentence.chars().anyMatch(Character::isLetter)) {
            sentences.add(sentence);
        }
    }
}
