package org.cxrplatform.e2e.harness;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal DICOM C-STORE SCU written against PS3.8 directly, so that it sends data set bytes
 * exactly as given (DCMTK's storescu parses files first and will not send a truncated or corrupt
 * one). One association per {@link #open}; any number of C-STOREs on it. Also used by the load
 * benchmark, where per-request timing without process start-up matters.
 *
 * <p>Not thread-safe: one association per thread.
 */
public final class RawStoreScu implements AutoCloseable {

    public static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    public static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    private static final String APP_CONTEXT = "1.2.840.10008.3.1.1.1";
    private static final String IMPLEMENTATION_UID = "1.2.826.0.1.3680043.10.1403.1";
    private static final int MAX_PDV = 16 * 1024;

    /** What became of one request. */
    public enum Kind {
        STATUS,
        ASSOCIATION_REJECTED,
        CONTEXT_REJECTED,
        ABORTED,
        CLOSED,
        TIMEOUT
    }

    public record Outcome(Kind kind, int status, String detail) {
        public boolean success() {
            return kind == Kind.STATUS && status == 0x0000;
        }

        /** A refusal the SCP stated cleanly (a failure status, a rejection or an abort PDU). */
        public boolean cleanRefusal() {
            return (kind == Kind.STATUS && status != 0x0000 && (status & 0xF000) != 0xB000)
                    || kind == Kind.ASSOCIATION_REJECTED
                    || kind == Kind.CONTEXT_REJECTED
                    || kind == Kind.ABORTED;
        }

        @Override
        public String toString() {
            return kind == Kind.STATUS
                    ? String.format("status 0x%04X%s", status, detail == null ? "" : " " + detail)
                    : kind + " " + detail;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final List<byte[]> acceptedTs = new ArrayList<>();
    private final Outcome associationFailure;
    private int messageId = 1;
    /** Largest PDV value this side sends: the peer's maximum PDU length (A-ASSOCIATE-AC) less the PDV headers. */
    private int maxPdv = MAX_PDV;

    private RawStoreScu(Socket socket, Outcome associationFailure) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.associationFailure = associationFailure;
    }

    /**
     * Opens an association proposing {@code sopClass} with {@code transferSyntax} as presentation context 1.
     * Never throws for protocol outcomes: a rejection is reported by {@link #store}.
     */
    public static RawStoreScu open(
            String host,
            int port,
            String callingAe,
            String calledAe,
            String sopClass,
            String transferSyntax,
            int timeoutMs)
            throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), timeoutMs);
        s.setSoTimeout(timeoutMs);
        s.setTcpNoDelay(true);
        RawStoreScu scu = new RawStoreScu(s, null);
        Outcome failure = scu.associate(callingAe, calledAe, sopClass, transferSyntax);
        if (failure != null) {
            RawStoreScu failed = new RawStoreScu(s, failure);
            return failed;
        }
        return scu;
    }

    /** Sends a whole file in one association and releases it. */
    public static Outcome send(String host, int port, String callingAe, String calledAe, DicomFile f, int timeoutMs) {
        try (RawStoreScu scu =
                open(host, port, callingAe, calledAe, f.sopClassUid(), f.transferSyntaxUid(), timeoutMs)) {
            return scu.store(f.sopClassUid(), f.sopInstanceUid(), f.dataset());
        } catch (SocketTimeoutException e) {
            return new Outcome(Kind.TIMEOUT, -1, e.getMessage());
        } catch (IOException e) {
            return new Outcome(Kind.CLOSED, -1, e.toString());
        }
    }

    private Outcome associate(String callingAe, String calledAe, String sopClass, String ts) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(new byte[] {0, 1, 0, 0});
        body.write(ae(calledAe));
        body.write(ae(callingAe));
        body.write(new byte[32]);
        item(body, 0x10, ascii(APP_CONTEXT));
        ByteArrayOutputStream pc = new ByteArrayOutputStream();
        pc.write(new byte[] {1, 0, 0, 0});
        item(pc, 0x30, ascii(sopClass));
        item(pc, 0x40, ascii(ts));
        item(body, 0x20, pc.toByteArray());
        ByteArrayOutputStream user = new ByteArrayOutputStream();
        item(user, 0x51, ByteBuffer.allocate(4).putInt(MAX_PDV + 6).array());
        item(user, 0x52, ascii(IMPLEMENTATION_UID));
        item(body, 0x50, user.toByteArray());
        pdu(0x01, body.toByteArray());

        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        int len = in.readInt();
        byte[] data = new byte[len];
        in.readFully(data);
        if (type == 0x03) {
            return new Outcome(
                    Kind.ASSOCIATION_REJECTED,
                    -1,
                    String.format("result %d source %d reason %d", data[1], data[2], data[3]));
        }
        if (type == 0x07) {
            return new Outcome(Kind.ABORTED, -1, String.format("A-ABORT source %d reason %d", data[2], data[3]));
        }
        if (type != 0x02) {
            return new Outcome(Kind.CLOSED, -1, "unexpected PDU type " + type + " to A-ASSOCIATE-RQ");
        }
        int p = 68;
        while (p + 4 <= data.length) {
            int itemType = data[p] & 0xff;
            int itemLen = ((data[p + 2] & 0xff) << 8) | (data[p + 3] & 0xff);
            if (itemType == 0x21) {
                int result = data[p + 4 + 2] & 0xff;
                if (result != 0) {
                    return new Outcome(Kind.CONTEXT_REJECTED, -1, "presentation context result " + result);
                }
                acceptedTs.add(data);
            } else if (itemType == 0x50) {
                int q = p + 4;
                while (q + 4 <= p + 4 + itemLen) {
                    int subType = data[q] & 0xff;
                    int subLen = ((data[q + 2] & 0xff) << 8) | (data[q + 3] & 0xff);
                    if (subType == 0x51 && subLen == 4) {
                        long peerMax = ByteBuffer.wrap(data, q + 4, 4).getInt() & 0xffffffffL;
                        if (peerMax > 12) {
                            maxPdv = (int) Math.min(MAX_PDV, peerMax - 6);
                        }
                    }
                    q += 4 + subLen;
                }
            }
            p += 4 + itemLen;
        }
        return acceptedTs.isEmpty()
                ? new Outcome(Kind.CONTEXT_REJECTED, -1, "no presentation context in A-ASSOCIATE-AC")
                : null;
    }

    /** True when the SCP accepted the association (a store may follow). */
    public boolean associated() {
        return associationFailure == null;
    }

    /** One C-STORE on this association; returns the response status or what went wrong instead. */
    public Outcome store(String sopClass, String sopInstance, byte[] dataset) {
        if (associationFailure != null) {
            return associationFailure;
        }
        try {
            byte[] command = storeCommand(sopClass, sopInstance, messageId++);
            pdv(command, true);
            pdv(dataset, false);
            return readResponse();
        } catch (SocketTimeoutException e) {
            return new Outcome(Kind.TIMEOUT, -1, "no response within the socket time-out");
        } catch (EOFException e) {
            return new Outcome(Kind.CLOSED, -1, "connection closed by the SCP");
        } catch (IOException e) {
            return new Outcome(Kind.CLOSED, -1, e.toString());
        }
    }

    private Outcome readResponse() throws IOException {
        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        while (true) {
            int type = in.readUnsignedByte();
            in.readUnsignedByte();
            int len = in.readInt();
            if (len < 0 || len > 64 * 1024 * 1024) {
                return new Outcome(Kind.CLOSED, -1, "absurd PDU length " + len);
            }
            byte[] data = new byte[len];
            in.readFully(data);
            if (type == 0x07) {
                return new Outcome(Kind.ABORTED, -1, String.format("A-ABORT source %d reason %d", data[2], data[3]));
            }
            if (type != 0x04) {
                return new Outcome(Kind.CLOSED, -1, "unexpected PDU type " + type);
            }
            int p = 0;
            boolean last = false;
            while (p + 6 <= data.length) {
                int pdvLen = ByteBuffer.wrap(data, p, 4).getInt();
                int header = data[p + 5] & 0xff;
                cmd.write(data, p + 6, pdvLen - 2);
                last = (header & 0x03) == 0x03;
                p += 4 + pdvLen;
            }
            if (last) {
                return new Outcome(Kind.STATUS, status(cmd.toByteArray()), null);
            }
        }
    }

    private static int status(byte[] cmd) {
        ByteBuffer b = ByteBuffer.wrap(cmd).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 8) {
            int group = b.getShort() & 0xffff;
            int element = b.getShort() & 0xffff;
            int len = b.getInt();
            if (group == 0 && element == 0x0900) {
                return b.getShort() & 0xffff;
            }
            b.position(b.position() + len);
        }
        return -1;
    }

    private static byte[] storeCommand(String sopClass, String sopInstance, int messageId) {
        ByteBuffer e = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        uid(e, 0x0002, sopClass);
        us(e, 0x0100, 0x0001);
        us(e, 0x0110, messageId);
        us(e, 0x0700, 0);
        us(e, 0x0800, 0x0000);
        uid(e, 0x1000, sopInstance);
        int len = e.position();
        ByteBuffer cmd = ByteBuffer.allocate(len + 12).order(ByteOrder.LITTLE_ENDIAN);
        cmd.putShort((short) 0).putShort((short) 0).putInt(4).putInt(len);
        cmd.put(e.array(), 0, len);
        return cmd.array();
    }

    private static void uid(ByteBuffer b, int element, String value) {
        byte[] v = ascii(value);
        int len = v.length + (v.length % 2);
        b.putShort((short) 0).putShort((short) element).putInt(len).put(v);
        if (v.length % 2 == 1) {
            b.put((byte) 0);
        }
    }

    private static void us(ByteBuffer b, int element, int value) {
        b.putShort((short) 0).putShort((short) element).putInt(2).putShort((short) value);
    }

    private void pdv(byte[] data, boolean command) throws IOException {
        int off = 0;
        do {
            int n = Math.min(maxPdv, data.length - off);
            boolean last = off + n == data.length;
            ByteBuffer pdu = ByteBuffer.allocate(6 + 6 + n);
            pdu.put((byte) 0x04).put((byte) 0).putInt(6 + n);
            pdu.putInt(n + 2).put((byte) 1).put((byte) ((command ? 1 : 0) | (last ? 2 : 0)));
            pdu.put(data, off, n);
            out.write(pdu.array());
            off += n;
        } while (off < data.length);
        out.flush();
    }

    /** Writes raw bytes on the association (for protocol fuzzing). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void pdu(int type, byte[] body) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(6 + body.length);
        b.put((byte) type).put((byte) 0).putInt(body.length).put(body);
        out.write(b.array());
        out.flush();
    }

    private static void item(ByteArrayOutputStream o, int type, byte[] value) throws IOException {
        o.write(type);
        o.write(0);
        o.write((value.length >> 8) & 0xff);
        o.write(value.length & 0xff);
        o.write(value);
    }

    private static byte[] ae(String title) {
        byte[] b = new byte[16];
        java.util.Arrays.fill(b, (byte) ' ');
        byte[] t = ascii(title);
        System.arraycopy(t, 0, b, 0, Math.min(16, t.length));
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            if (associationFailure == null && !socket.isClosed()) {
                pdu(0x05, new byte[4]);
                socket.setSoTimeout(2000);
                in.readUnsignedByte();
            }
        } catch (IOException ignored) {
            // the peer may already have gone
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
