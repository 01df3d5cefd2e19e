package org.cxrplatform.ingest.stow;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming reader of a MIME multipart body (RFC 2046): each part's headers are parsed and its
 * content is copied to an {@link OutputStream} as it arrives, so a part is never held in memory.
 * The delimiter ({@code CRLF--boundary}) is found with a Knuth-Morris-Pratt scan, byte by byte
 * over a buffered stream.
 *
 * <pre>{@code
 * MultipartRelatedReader r = new MultipartRelatedReader(in, boundary);
 * while (r.nextPart()) {               // false after the close delimiter
 *     String type = r.headers().get("content-type");
 *     long n = r.copyBody(out, limit); // -1 when the part exceeded limit (rest discarded)
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class MultipartRelatedReader {

    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final int[] failure;
    private boolean finished;
    private boolean bodyPending;
    private boolean started;
    private Map<String, String> headers = Map.of();

    public MultipartRelatedReader(InputStream in, String boundary) {
        // RFC 2046 allows 70 characters; Orthanc's STOW-RS client sends two UUIDs (73), so be lenient.
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new IllegalArgumentException("invalid multipart boundary");
        }
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.failure = new int[delimiter.length];
        for (int i = 1, k = 0; i < delimiter.length; i++) {
            while (k > 0 && delimiter[i] != delimiter[k]) {
                k = failure[k - 1];
            }
            if (delimiter[i] == delimiter[k]) {
                k++;
            }
            failure[i] = k;
        }
    }

    /** The boundary parameter of a {@code multipart/...} Content-Type, unquoted; null when absent. */
    public static String boundaryOf(String contentType) {
        return parameter(contentType, "boundary");
    }

    /** A parameter of a media type header value, unquoted; null when absent. */
    public static String parameter(String contentType, String name) {
        if (contentType == null) {
            return null;
        }
        for (String piece : contentType.split(";")) {
            int eq = piece.indexOf('=');
            if (eq > 0 && piece.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = piece.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    /**
     * Advances to the next part and reads its headers.
     *
     * @return false once the close delimiter (or the end of the stream) was reached
     * @throws IOException on a read failure or a body that is not multipart (no delimiter at all)
     */
    public boolean nextPart() throws IOException {
        if (finished) {
            return false;
        }
        if (bodyPending) {
            copyBody(OutputStream.nullOutputStream(), Long.MAX_VALUE);
        } else if (!started) {
            started = true;
            // Preamble: the first delimiter may come without its leading CRLF.
            if (!scan(OutputStream.nullOutputStream(), Long.MAX_VALUE, 2)) {
                throw new IOException("no multipart boundary found in the body");
            }
            if (afterDelimiter()) {
                return false;
            }
        }
        if (finished) {
            return false;
        }
        headers = readHeaders();
        bodyPending = true;
        return true;
    }

    /** The current part's headers, names lower-cased. */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Copies the current part's content to {@code out}, up to {@code limit} bytes; the rest of a
     * larger part is read and discarded.
     *
     * @return the bytes copied, or -1 when the part was larger than {@code limit}
     * @throws IOException when the stream ends before the part's delimiter (truncated body)
     */
    public long copyBody(OutputStream out, long limit) throws IOException {
        if (!bodyPending) {
            throw new IllegalStateException("no part");
        }
        bodyPending = false;
        LimitedOutput limited = new LimitedOutput(out, limit);
        if (!scan(limited, Long.MAX_VALUE, 0)) {
            finished = true;
            throw new IOException("body ended inside a part (truncated request)");
        }
        afterDelimiter();
        return limited.exceeded ? -1 : limited.count;
    }

    /** Scans for the delimiter, writing everything before it to out; true when found. */
    private boolean scan(OutputStream out, long unused, int startMatched) throws IOException {
        int k = startMatched;
        int b;
        while ((b = in.read()) >= 0) {
            while (k > 0 && delimiter[k] != (byte) b) {
                int next = failure[k - 1];
                if (k - next > 0 && !(startMatched > 0 && k <= startMatched)) {
                    out.write(delimiter, 0, k - next);
                }
                k = next;
            }
            if (delimiter[k] == (byte) b) {
                k++;
                if (k == delimiter.length) {
                    return true;
                }
            } else {
                out.write(b);
            }
            startMatched = 0;
        }
        return false;
    }

    /** After a delimiter: "--" closes the body, else the rest of the line is skipped. True when closed. */
    private boolean afterDelimiter() throws IOException {
        int a = in.read();
        if (a < 0) {
            finished = true;
            return true;
        }
        if (a == '-') {
            int b = in.read();
            if (b == '-') {
                finished = true;
                return true;
            }
        }
        int c = a;
        while (c >= 0 && c != '\n') {
            c = in.read();
        }
        if (c < 0) {
            finished = true;
            return true;
        }
        return false;
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> result = new LinkedHashMap<>();
        StringBuilder line = new StringBuilder();
        int total = 0;
        int c;
        String last = null;
        while ((c = in.read()) >= 0) {
            if (++total > MAX_HEADER_BYTES) {
                throw new IOException("part headers longer than " + MAX_HEADER_BYTES + " bytes");
            }
            if (c == '\r') {
                continue;
            }
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            if (line.isEmpty()) {
                return result;
            }
            String s = line.toString();
            line.setLength(0);
            if ((s.startsWith(" ") || s.startsWith("\t")) && last != null) {
                result.put(last, result.get(last) + " " + s.trim());
                continue;
            }
            int colon = s.indexOf(':');
            if (colon > 0) {
                last = s.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                result.put(last, s.substring(colon + 1).trim());
            }
        }
        finished = true;
        throw new IOException("body ended inside part headers");
    }

    private static final class LimitedOutput extends OutputStream {
        private final OutputStream out;
        private final long limit;
        long count;
        boolean exceeded;

        LimitedOutput(OutputStream out, long limit) {
            this.out = out;
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            if (count >= limit) {
                exceeded = true;
                return;
            }
            count++;
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
                write(b[off + i]);
            }
        }
    }
}
