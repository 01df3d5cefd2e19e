package org.cxrplatform.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** MLLP framing for peers that talk below HAPI: {@code <VT> message <FS><CR>}. */
public final class Mllp {

    public static final byte START = 0x0b;
    public static final byte END = 0x1c;
    public static final byte CR = 0x0d;

    private Mllp() {}

    /** One whole frame around {@code message} in {@code charset}. */
    public static byte[] frame(String message, Charset charset) {
        byte[] body = message.getBytes(charset);
        byte[] out = new byte[body.length + 3];
        out[0] = START;
        System.arraycopy(body, 0, out, 1, body.length);
        out[body.length + 1] = END;
        out[body.length + 2] = CR;
        return out;
    }

    public static byte[] frame(String message) {
        return frame(message, StandardCharsets.UTF_8);
    }

    /** The next whole frame's content (bytes before its start are skipped), or null when the stream ends first. */
    public static String readFrame(InputStream in, Charset charset) throws IOException {
        int b;
        while ((b = in.read()) != START) {
            if (b < 0) {
                return null;
            }
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        while ((b = in.read()) >= 0) {
            if (b == END) {
                in.read(); // the CR after the end byte
                return frame.toString(charset);
            }
            frame.write(b);
        }
        return null;
    }
}
