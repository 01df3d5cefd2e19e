package org.cxrplatform.report.ris;

import ca.uhn.hl7v2.llp.HL7Reader;
import ca.uhn.hl7v2.llp.HL7Writer;
import ca.uhn.hl7v2.llp.LLPException;
import ca.uhn.hl7v2.llp.LowerLayerProtocol;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One MLLP connection to one RIS: writes a message and reads the one frame that answers it, with
 * an error that says what went wrong. Opened on first use and kept open between messages. Not
 * thread-safe: the worker sends to a destination from one thread at a time.
 */
final class MllpConnection implements Closeable {

    private final String host;
    private final int port;
    private final LowerLayerProtocol llp;
    /** Null: plain MLLP. */
    private final SSLSocketFactory tls;

    private Socket socket;
    private HL7Writer writer;
    private HL7Reader reader;

    /** @param tls TLS sockets (server certificate and host name verified), or null for plain MLLP */
    MllpConnection(String host, int port, LowerLayerProtocol llp, SSLSocketFactory tls) {
        this.host = host;
        this.port = port;
        this.llp = llp;
        this.tls = tls;
    }

    /**
     * Sends {@code message} and returns the answer frame. A kept connection the RIS closed while
     * idle (many interface engines do) is re-opened and the message written once more; the RIS saw
     * nothing on the dead connection, or at worst sees the same MSH-10 twice, which HL7's duplicate
     * detection absorbs.
     *
     * @throws IOException no connection, the RIS closed it, or no answer within {@code timeout}
     */
    String exchange(String message, Duration timeout) throws IOException {
        boolean reused = socket != null;
        try {
            try {
                return attempt(message, timeout);
            } catch (ClosedWithoutAnswer e) {
                if (!reused) {
                    throw e;
                }
                close();
                return attempt(message, timeout);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private String attempt(String message, Duration timeout) throws IOException {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        if (socket == null) {
            open(millis);
        }
        socket.setSoTimeout(millis);
        String answer;
        try {
            writer.writeMessage(message);
            answer = reader.getMessage();
        } catch (SocketException e) {
            // HAPI: "End of input stream reached before message starts"; also a reset while writing
            throw new ClosedWithoutAnswer(this + " closed the connection without answering (" + e.getMessage() + ")");
        } catch (LLPException e) {
            throw new IOException(this + " closed the connection in the middle of its answer: " + e.getMessage(), e);
        }
        if (answer == null) {
            throw new IOException(
                    "no answer from " + this + " within " + timeout.toMillis() + " ms (cxr.report.ris.ack-timeout)");
        }
        return answer;
    }

    private void open(int millis) throws IOException {
        Socket s = tls == null ? new Socket() : tls.createSocket();
        try {
            s.connect(new InetSocketAddress(host, port), millis);
            if (s instanceof SSLSocket ssl) {
                handshake(ssl, millis);
            }
            writer = llp.getWriter(s.getOutputStream());
            reader = llp.getReader(s.getInputStream());
        } catch (SSLException e) {
            s.close();
            throw new SSLException(
                    "TLS handshake with " + this + " failed (is its certificate trusted by the endpoint's"
                            + " tls-configuration-name trust store, and issued for " + host + "?): " + e.getMessage(),
                    e);
        } catch (IOException | LLPException e) {
            s.close();
            throw new IOException("cannot connect to " + this + ": " + e.getMessage(), e);
        }
        socket = s;
    }

    /** Verifies the RIS certificate's chain and that it was issued for {@link #host}, before any byte of PHI goes out. */
    private void handshake(SSLSocket ssl, int millis) throws IOException {
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        ssl.setSoTimeout(millis);
        ssl.startHandshake();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing after a failure: nothing left to do with it
            }
            socket = null;
        }
    }

    @Override
    public String toString() {
        return "RIS " + host + ":" + port + (tls == null ? "" : " (TLS)");
    }

    /** The RIS closed the connection before any byte of an answer. */
    static final class ClosedWithoutAnswer extends IOException {
        ClosedWithoutAnswer(String message) {
            super(message);
        }
    }
}
