package org.cxrplatform.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * An RFC 5424 syslog message carrying one audit message: facility 10 (security/authorization, as
 * DICOM PS3.15 A.5 and IHE ATNA use), severity notice for a success and warning for a failure,
 * MSGID {@code DICOM+RFC3881}, no structured data, the XML as UTF-8 after a BOM.
 */
public final class SyslogMessage {

    static final String MSGID = "DICOM+RFC3881";
    private static final int FACILITY_AUTHPRIV = 10;
    private static final int NOTICE = 5;
    private static final int WARNING = 4;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private SyslogMessage() {}

    /** The message's bytes; the header fields are cut to RFC 5424's lengths and made printable ASCII. */
    public static byte[] encode(Instant at, String hostname, String appName, boolean success, String xml) {
        int pri = FACILITY_AUTHPRIV * 8 + (success ? NOTICE : WARNING);
        String header = "<" + pri + ">1 " + DateTimeFormatter.ISO_INSTANT.format(at) + " " + field(hostname, 255) + " "
                + field(appName, 48) + " " + ProcessHandle.current().pid() + " " + MSGID + " - ";
        byte[] head = header.getBytes(StandardCharsets.US_ASCII);
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[head.length + BOM.length + body.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(BOM, 0, message, head.length, BOM.length);
        System.arraycopy(body, 0, message, head.length + BOM.length, body.length);
        return message;
    }

    private static String field(String value, int max) {
        if (value == null || value.isBlank()) {
            return "-";
        }
        String printable = value.replaceAll("[^\\x21-\\x7E]", "_");
        return printable.length() > max ? printable.substring(0, max) : printable;
    }
}
