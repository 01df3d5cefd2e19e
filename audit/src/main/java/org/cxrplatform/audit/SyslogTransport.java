package org.cxrplatform.audit;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sends one syslog message to the collector. TCP and TLS frame it by octet counting (RFC 6587 3.4.1,
 * RFC 5425 4.3: {@code LENGTH SP MESSAGE}) on one kept connection; UDP sends one datagram per message
 * (RFC 5426), with no way to know it arrived. A failed write closes the connection; the next send
 * opens a new one. Not thread-safe: one sender thread owns it.
 */
interface SyslogTransport extends Closeable {

    void send(byte[] message) throws IOException;

    @Override
    void close();

    static SyslogTransport of(AuditConfig config) {
        String host = config.host().orElseThrow();
        return switch (config.protocol()) {
            case UDP -> new Udp(host, config.port());
            case TCP -> new Tcp(host, config.port(), null, config.connectTimeoutMillis());
            case TLS -> new Tcp(host, config.port(), config.tlsSocketFactory(), config.connectTimeoutMillis());
        };
    }

    final class Tcp implements SyslogTransport {
        private final String host;
        private final int port;
        private final SSLSocketFactory tls;
        private final int connectTimeoutMillis;
        private Socket socket;
        private OutputStream out;

        Tcp(String host, int port, SSLSocketFactory tls, int connectTimeoutMillis) {
            this.host = host;
            this.port = port;
            this.tls = tls;
            this.connectTimeoutMillis = connectTimeoutMillis;
        }

        @Override
        public void send(byte[] message) throws IOException {
            try {
                if (socket == null) {
                    connect();
                }
                out.write((message.length + " ").getBytes(StandardCharsets.US_ASCII));
                out.write(message);
                out.flush();
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        private void connect() throws IOException {
            Socket plain = new Socket();
            try {
                plain.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
                if (tls == null) {
                    socket = plain;
                } else {
                    SSLSocket s = (SSLSocket) tls.createSocket(plain, host, port, true);
                    SSLParameters params = s.getSSLParameters();
                    // The collector's certificate must name the host we were told to reach.
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    s.setSSLParameters(params);
                    s.startHandshake();
                    socket = s;
                }
                out = socket.getOutputStream();
            } catch (IOException e) {
                plain.close();
                throw e;
            }
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a broken connection: nothing left to do
                }
            }
            socket = null;
            out = null;
        }
    }

    final class Udp implements SyslogTransport {
        private final InetSocketAddress target;
        private DatagramSocket socket;

        Udp(String host, int port) {
            this.target = new InetSocketAddress(host, port);
        }

        @Override
        public void send(byte[] message) throws IOException {
            if (socket == null) {
                socket = new DatagramSocket();
            }
            socket.send(new DatagramPacket(message, message.length, target));
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }
}
