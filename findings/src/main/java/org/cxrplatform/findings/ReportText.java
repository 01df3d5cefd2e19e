package org.cxrplatform.findings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report as the extractor reads it: the sentences that describe the image, each with the
 * normalised text the rules match. Sentences of the indication and history are left out (they
 * say what was asked, not what was seen), and so is the one-sentence comparison or technique
 * statement; text with no headers at all is read whole (model reports have none).
 */
final class ReportText {

    /**
     * One sentence to read.
     *
     * @param original   as written, white space collapsed (quoted in mentions and alerts)
     * @param normalised what the rules match
     */
    record Sentence(String original, String normalised) {}

    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n[ \\t\\r]*\\n");
    /** Where a header starts: at the start of a line ("Impression:"), or anywhere in capitals ("... IMPRESSION:"). */
    private static final Pattern HEADER_START =
            Pattern.compile("(?m)(?<=\\n)[ \\t]*(?=[A-Za-z][A-Za-z /]{1,30}:)" + "|(?<=\\s)(?=[A-Z][A-Z /]{2,30}:)");

    private ReportText() {}

    /** The sentences that describe the image, in order. */
    static List<Sentence> sentences(String report) {
        List<List<Sentence>> paragraphs = new ArrayList<>();
        for (String paragraph : PARAGRAPH_BREAK.split(deidentified(report))) {
            paragraphs.add(split(paragraph).stream()
                    .map(s -> new Sentence(s, normalise(s)))
                    .toList());
        }
        int lastBodyHeader = -1;
        int index = 0;
        for (List<Sentence> paragraph : paragraphs) {
            for (Sentence sentence : paragraph) {
                if (header(sentence.normalised()).filter(ReportText::isBody).isPresent()) {
                    lastBodyHeader = index;
                }
                index++;
            }
        }
        List<Sentence> read = new ArrayList<>();
        index = 0;
        for (List<Sentence> paragraph : paragraphs) {
            boolean inContext = false;
            for (Sentence sentence : paragraph) {
                Optional<String> header = header(sentence.normalised());
                boolean skip;
                if (header.isPresent()) {
                    inContext = Lexicon.CONTEXT_HEADERS.contains(header.get());
                    skip = inContext || Lexicon.PROCEDURE_HEADERS.contains(header.get());
                } else {
                    inContext = inContext && !observation(sentence.normalised(), index > lastBodyHeader);
                    skip = inContext;
                }
                if (!skip) {
                    read.add(sentence);
                }
                index++;
            }
        }
        return read;
    }

    private static boolean isBody(String header) {
        return !Lexicon.CONTEXT_HEADERS.contains(header) && !Lexicon.PROCEDURE_HEADERS.contains(header);
    }

    /** Whether a sentence after a context header already describes the image. */
    private static boolean observation(String normalised, boolean noBodyHeaderFollows) {
        return Lexicon.OBSERVATION_START.matcher(normalised).lookingAt()
                || noBodyHeaderFollows
                        && Lexicon.FINDING_START.matcher(normalised).lookingAt();
    }

    /** "XXXX", "___" and "[** **]" become one neutral word, so that they join no name and break no sentence. */
    private static String deidentified(String report) {
        return Lexicon.DEIDENTIFIED.matcher(report).replaceAll(Lexicon.DEIDENTIFIED_WORD);
    }

    /**
     * Lower case, shorthand expanded, known confusions and one-edit typos of finding words
     * repaired, single spaces.
     */
    static String normalise(String sentence) {
        String text = sentence.toLowerCase(Locale.ROOT);
        text = replaceAll(text, Lexicon.SHORTHAND);
        text = replaceAll(text, Lexicon.CONFUSIONS);
        text = Typos.repair(text);
        return text.replaceAll("\\s+", " ").trim();
    }

    private static String replaceAll(String text, Map<Pattern, String> rewrites) {
        for (Map.Entry<Pattern, String> rewrite : rewrites.entrySet()) {
            text = rewrite.getKey().matcher(text).replaceAll(rewrite.getValue());
        }
        return text;
    }

    /** The header a normalised sentence opens with, if any ("impression"). */
    static Optional<String> header(String normalisedSentence) {
        Matcher m = Lexicon.HEADER.matcher(normalisedSentence);
        return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
    }

    /**
     * Ends a sentence at "." or "!" followed by white space (so "1.5 cm" stays whole) unless the
     * word before is an abbreviation or a single letter, and before a header ("IMPRESSION:" at the
     * start of a line, or in capitals anywhere), and at the line break of a context or procedure
     * header's line. Any other line break does not end a sentence: report text is often wrapped
     * mid-sentence.
     */
    static List<String> split(String text) {
        java.util.BitSet headers = new java.util.BitSet(text.length());
        Matcher header = HEADER_START.matcher(text);
        while (header.find()) {
            headers.set(header.start());
        }
        List<String> sentences = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean stop = (c == '.' || c == '!') && followedBySpace(text, i) && !abbreviation(text, i);
            if (stop || c == '\n' && opensContext(text.substring(start, i))) {
                add(sentences, text.substring(start, i + 1));
                start = i + 1;
            } else if (i > start && headers.get(i)) {
                add(sentences, text.substring(start, i));
                start = i;
            }
        }
        add(sentences, text.substring(start));
        return sentences;
    }

    /**
     * Whether a piece opens with a context or procedure header: such a line ends at its line break
     * even without a full stop ("Reason for exam: fever" above "Atelectasis left base.").
     */
    private static boolean opensContext(String piece) {
        return header(normalise(piece)).filter(h -> !isBody(h)).isPresent();
    }

    private static boolean followedBySpace(String text, int i) {
        return i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1));
    }

    private static boolean abbreviation(String text, int dot) {
        int begin = dot;
        while (begin > 0 && (Character.isLetter(text.charAt(begin - 1)) || text.charAt(begin - 1) == '.')) {
            begin--;
        }
        String word = text.substring(begin, dot).toLowerCase(Locale.ROOT);
        return word.length() == 1 || Lexicon.ABBREVIATIONS.contains(word);
    }

    private static void add(List<String> sentences, String piece) {
        String sentence = piece.replaceAll("\\s+", " ").trim();
        // A bare list number ("2.") or a lone stop carries nothing.
        if (sentence.chars().anyMatch(Character::isLetter)) {
            sentences.add(sentence);
        }
    }
}
