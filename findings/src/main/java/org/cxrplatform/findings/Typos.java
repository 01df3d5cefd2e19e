package org.cxrplatform.findings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Repairs one-edit typing errors in the long finding words ("pneumothroax", "cardiomegally",
 * "efusion"): a word at most one insertion, deletion, substitution or swap of neighbours away
 * from one of {@link Lexicon#FUZZY_WORDS} is read as that word. Short words and real words that
 * happen to lie one edit away ({@link Lexicon#NOT_TYPOS}) are left alone, so the repair cannot
 * turn an ordinary word into a finding.
 */
final class Typos {

    private static final Pattern WORD = Pattern.compile("[a-z]+");

    private Typos() {}

    static String repair(String lowerCaseText) {
        Matcher m = WORD.matcher(lowerCaseText);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(correct(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String correct(String word) {
        if (word.length() < Lexicon.FUZZY_MIN_LENGTH || Lexicon.NOT_TYPOS.contains(word)) {
            return word;
        }
        for (String known : Lexicon.FUZZY_WORDS) {
            if (known.equals(word)) {
                return word;
            }
        }
        for (String known : Lexicon.FUZZY_WORDS) {
            if (withinOneEdit(word, known)) {
                return known;
            }
        }
        return word;
    }

    /** Optimal string alignment distance of at most one. */
    static boolean withinOneEdit(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 1) {
            return false;
        }
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (i == a.length() && i == b.length()) {
            return true;
        }
        if (a.length() == b.length()) {
            boolean substitution = a.substring(i + 1).equals(b.substring(i + 1));
            boolean swap = i + 1 < a.length()
                    && a.charAt(i) == b.charAt(i + 1)
                    && a.charAt(i + 1) == b.charAt(i)
                    && a.substring(i + 2).equals(b.substring(i + 2));
            return substitution || swap;
        }
        return a.length() > b.length()
                ? a.substring(i + 1).equals(b.substring(i))
                : a.substring(i).equals(b.substring(i + 1));
    }
}
