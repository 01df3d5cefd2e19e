package org.cxrplatform.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A RIS that misbehaves below HL7, which a HAPI server cannot be made to do: on a plain socket it
 * reads each MLLP frame and, as scripted, hangs up without answering, sends half an ACK frame and
 * hangs up, or answers a frame that is not HL7; once the script is used up it answers a correct AA.
 */
final class RawMllpPeer implements AutoCloseable {

    enum Fault { HANG_UP, TRUNCATED_ACK, GARBLED_ACK }

    private static final byte START = 0x0b;
    private static final byte END = 0x1c;
    private static final byte CR = 0x0d;

    private final ServerSocket server;
    private final ConcurrentLinkedDeque<Fault> script = new ConcurrentLinkedDeque<>();
    private final List<String> arrivals = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile Socket connection;

    RawMllpPeer(int port, Fault... faults) throws IOException {
        script.addAll(List.of(faults));
        server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "raw-mllp-peer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** MSH-10 of every frame received, answered or not. */
    List<String> arrivals() {
        return List.copyOf(arrivals);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                connection = s;
                serve(s);
            } catch (IOException e) {
                // the peer hung up or we did: wait for the next connection
            }
        }
    }

    private void serve(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        String frame;
        while ((frame = readFrame(in)) != null) {
            String controlId = frame.split("\r")[0].split("\\|")[9];
            arrivals.add(controlId);
            String ack = "MSH|^~\\&|RIS|HOSPITAL|CXR_AI|CXR_PLATFORM|20260101000000||ACK^R01^ACK|A" + arrivals.size() + "|P|2.5.1\r"
                    + "MSA|AA|" + controlId + "\r";
            Fault fault = script.poll();
            if (fault == Fault.HANG_UP) {
                return;
            }
            if (fault == Fault.TRUNCATED_ACK) {
                out.write(START);
                out.write(ack.substring(0, ack.length() / 2).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            out.write(START);
            out.write((fault == Fault.GARBLED_ACK ? "HTTP/1.1 400 Bad Request\r\n" : ack).getBytes(StandardCharsets.US_ASCII));
            out.write(END);
            out.write(CR);
            out.flush();
        }
    }

    private static String readFrame(InputStream in) throws IOException {
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
                return frame.toString(StandardCharsets.UTF_8);
            }
            frame.write(b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket open = connection;
        if (open != null) {
            open.close(); // the sender keeps its connection: it must not go on talking to a peer that is gone
        }
    }
}
