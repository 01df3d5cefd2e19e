package org.cxrplatform.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

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

    /**
     * One UTF-8 frame over a new TLS connection to 127.0.0.1:{@code port}, as a careful sender does it:
     * the server's certificate and host name verified (HTTPS endpoint identification) before it is
     * written. Returns the answer frame, or null when the server closes without one.
     *
     * @throws IOException the handshake failed (untrusted or misnamed server, refused client certificate), or
     *     the connection broke
     */
    public static String exchangeTls(SSLContext ctx, int port, String message) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            SSLParameters params = s.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            s.startHandshake();
            s.getOutputStream().write(frame(message));
            s.getOutputStream().flush();
            return readFrame(s.getInputStream(), StandardCharsets.UTF_8);
        }
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
