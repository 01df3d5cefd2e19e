package org.cxrplatform.inference.pipeline;

/**
 * Makes generated text safe to store and send: C0 control characters other than tab, line feed
 * and carriage return, and DEL, are removed. A model (the bundled random-weight one certainly)
 * can emit byte-fallback tokens that decode to U+0000, which PostgreSQL text and HL7 v2 cannot
 * carry.
 */
public final class ReportText {

    private ReportText() {}

    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
            if (control && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            } else if (!control && out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
