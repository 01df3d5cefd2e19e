package org.cxrplatform.report.api;

import java.util.regex.Pattern;
import org.cxrplatform.contracts.EventJson;

/** Checks for REST inputs: report ids, and strings free of NUL / control characters and within a length. */
public final class Inputs {

    /** {@code ReportEvent.reportIdOf}: the first 16 bytes of a SHA-256, as 32 lower-case hex digits. */
    private static final Pattern REPORT_ID = Pattern.compile("[0-9a-f]{32}");

    /** Longest report text a radiologist may submit (a long chest report is ~5 000 characters). */
    public static final int MAX_TEXT = 100_000;

    /** Longest short field (reasons, user names, roles). */
    public static final int MAX_SHORT = 2_000;

    private Inputs() {}

    public static boolean isReportId(String id) {
        return id != null && REPORT_ID.matcher(id).matches();
    }

    /**
     * @return why {@code value} is not acceptable (a C0 control character other than tab, CR, LF,
     *         or longer than {@code max}), or null when it is
     */
    public static String problem(String what, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            return what + " is longer than " + max + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return what + " contains the control character U+" + String.format("%04X", (int) c) + " at position "
                        + i;
            }
        }
        return null;
    }

    /** Throws a 400 when {@link #problem} finds one. */
    public static String require(String what, String value, int max) {
        String problem = problem(what, value, max);
        if (problem != null) {
            throw new ApiException(400, problem);
        }
        return value;
    }

    /** The value with control characters shown as \\uXXXX, for messages. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 64); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    static String operationOutcome(String message) {
        return "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\",\"diagnostics\":"
                + EventJson.writeString(message) + "}]}";
    }

    /**
     * Removes U+0000 and the other C0 control characters except tab, CR and LF (PostgreSQL cannot
     * store NUL in text; the others have no place in a report); every other character is kept exactly.
     */
    public static String stripControls(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean drop = c < 0x20 && c != '\t' && c != '\n' && c != '\r';
            if (drop && b == null) {
                b = new StringBuilder(s.length()).append(s, 0, i);
            } else if (!drop && b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
