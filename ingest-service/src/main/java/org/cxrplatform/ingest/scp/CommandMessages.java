package org.cxrplatform.ingest.scp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes DIMSE response command sets (implicit VR little endian, PS3.7 Annex E), including the
 * Error Comment that PixelMed's own response messages cannot carry.
 */
final class CommandMessages {

    static final int C_STORE_RQ = 0x0001;
    static final int C_STORE_RSP = 0x8001;
    static final int C_ECHO_RQ = 0x0030;
    static final int C_ECHO_RSP = 0x8030;
    static final int NO_DATA_SET = 0x0101;

    private CommandMessages() {}

    static byte[] storeResponse(String sopClassUid, String sopInstanceUid, int messageId, StoreOutcome outcome) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, 0x0002, sopClassUid, (byte) 0);
        us(body, 0x0100, C_STORE_RSP);
        us(body, 0x0120, messageId);
        us(body, 0x0800, NO_DATA_SET);
        us(body, 0x0900, outcome.status());
        if (outcome.comment() != null && !outcome.success()) {
            String c = outcome.comment().replaceAll("[\\\\\\p{Cntrl}]", " ");
            string(body, 0x0902, c.length() > 64 ? c.substring(0, 64) : c, (byte) ' ');
        }
        string(body, 0x1000, sopInstanceUid, (byte) 0);
        return withGroupLength(body);
    }

    static byte[] echoResponse(String sopClassUid, int messageId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, 0x0002, sopClassUid, (byte) 0);
        us(body, 0x0100, C_ECHO_RSP);
        us(body, 0x0120, messageId);
        us(body, 0x0800, NO_DATA_SET);
        us(body, 0x0900, DicomStatus.SUCCESS);
        return withGroupLength(body);
    }

    private static byte[] withGroupLength(ByteArrayOutputStream body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        header(out, 0x0000, 4);
        int32(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void us(ByteArrayOutputStream out, int element, int value) {
        header(out, element, 2);
        out.write(value & 0xff);
        out.write((value >> 8) & 0xff);
    }

    private static void string(ByteArrayOutputStream out, int element, String value, byte pad) {
        byte[] v = (value == null ? "" : value).getBytes(StandardCharsets.US_ASCII);
        int len = v.length + (v.length % 2);
        header(out, element, len);
        out.writeBytes(v);
        if (len != v.length) {
            out.write(pad);
        }
    }

    private static void header(ByteArrayOutputStream out, int element, int length) {
        out.write(0);
        out.write(0); // group 0000
        out.write(element & 0xff);
        out.write((element >> 8) & 0xff);
        int32(out, length);
    }

    private static void int32(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >> 8) & 0xff);
        out.write((v >> 16) & 0xff);
        out.write((v >> 24) & 0xff);
    }
}
