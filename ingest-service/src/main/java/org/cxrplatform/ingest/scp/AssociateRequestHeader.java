package org.cxrplatform.ingest.scp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The fixed head of an A-ASSOCIATE-RQ PDU (PS3.8 9.3.2): read before the association is handed
 * to PixelMed, so that unknown callers are rejected with a proper A-ASSOCIATE-RJ and never get an
 * association at all.
 *
 * @param bytes        the 42 bytes read, replayed to PixelMed when the association is admitted
 * @param calledAe     Called AE Title, trimmed
 * @param callingAe    Calling AE Title, trimmed
 */
record AssociateRequestHeader(byte[] bytes, String calledAe, String callingAe) {

    static final int LENGTH = 42;
    static final int PDU_ASSOCIATE_RQ = 0x01;

    /** A-ASSOCIATE-RJ result/source/reason values (PS3.8 Table 9-21). */
    static final int RESULT_PERMANENT = 1;

    static final int RESULT_TRANSIENT = 2;
    static final int SOURCE_SERVICE_USER = 1;
    static final int SOURCE_SERVICE_PROVIDER_PRESENTATION = 3;
    static final int REASON_CALLING_AE_NOT_RECOGNIZED = 3;
    static final int REASON_CALLED_AE_NOT_RECOGNIZED = 7;
    static final int REASON_LOCAL_LIMIT_EXCEEDED = 2;

    /**
     * Reads the head of the first PDU.
     *
     * @throws IOException when the peer sends something other than an A-ASSOCIATE-RQ or closes early
     */
    static AssociateRequestHeader read(InputStream in) throws IOException {
        byte[] b = in.readNBytes(LENGTH);
        if (b.length < LENGTH) {
            throw new IOException("connection closed before an A-ASSOCIATE-RQ (" + b.length + " bytes)");
        }
        if ((b[0] & 0xff) != PDU_ASSOCIATE_RQ) {
            throw new IOException(String.format("expected A-ASSOCIATE-RQ, got PDU type 0x%02X", b[0] & 0xff));
        }
        return new AssociateRequestHeader(b, ae(b, 10), ae(b, 26));
    }

    private static String ae(byte[] b, int offset) {
        return new String(b, offset, 16, StandardCharsets.US_ASCII).trim();
    }

    /** Writes an A-ASSOCIATE-RJ PDU. */
    static void reject(OutputStream out, int result, int source, int reason) throws IOException {
        out.write(new byte[] {0x03, 0, 0, 0, 0, 4, 0, (byte) result, (byte) source, (byte) reason});
        out.flush();
    }
}
