package org.cxrplatform.testsupport;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.protocol.MetadataKeys;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.cxrplatform.devstack.FreePorts;

/**
 * The RIS: a real HAPI MLLP server (HL7 v2.5.1, each message decoded in the character set its
 * MSH-18 names) that records every ORU it accepts and answers AA, as a RIS that de-duplicates by
 * MSH-10 would. It can misbehave on two levels:
 * <ul>
 *   <li>in HL7 ({@link #script}): AE, AR, an AA for another message or none, or an answer later
 *       than the sender waits;</li>
 *   <li>below HL7 ({@link #misbehave}), which a HAPI server cannot be made to do: a plain socket
 *       on the same port answers each frame with the given bytes (nothing and hang up, half a
 *       frame, a frame that is not HL7...), then answers correctly until {@link #start()} brings
 *       the HAPI server back.</li>
 * </ul>
 * {@link #stop()} makes the RIS refuse connections (down for a while); {@link #start()} listens
 * again on the same port.
 *
 * <p>{@link #tls} makes a RIS that speaks MLLP over TLS only (optionally requiring a client
 * certificate), for senders that must verify whom they give the ORU to.
 *
 * <p>Thread-safe.
 */
public final class RisPeer implements ReceivingApplication<Message>, AutoCloseable {

    /** Scripted HL7 answers: WRONG_CONTROL_ID is an AA whose MSA-2 names another message, EMPTY_CONTROL_ID an AA with MSA-2 empty. */
    public enum Reply {
        AA,
        AE,
        AR,
        TIMEOUT,
        WRONG_CONTROL_ID,
        EMPTY_CONTROL_ID
    }

    /** For {@link #misbehave}: close the connection without answering. */
    public static final byte[] HANG_UP = {};

    /** For {@link #misbehave}: the start of an ACK frame, then the connection closes. */
    public static final byte[] HALF_ACK = {Mllp.START, 'M', 'S', 'H', '|', '^', '~', '\\', '&', '|', 'R', 'I', 'S', '|'
    };

    /**
     * One coded observation (CWE OBX).
     *
     * @param code      OBX-3.1 (SNOMED CT finding code)
     * @param name      OBX-3.2
     * @param valueCode OBX-5.1 (state code)
     * @param valueName OBX-5.2
     */
    public record Coded(String code, String name, String valueCode, String valueName) {}

    /**
     * One ORU as the RIS accepted it.
     *
     * @param accession   OBR-18 (placer field 1: the accession number)
     * @param placerOrder OBR-2.1
     * @param obx11       OBX-11 of the first OBX
     * @param text        the TX OBX lines joined with '\n'
     * @param modelVersion the ST OBX coded AI-MODEL
     * @param encoded     the message as received
     * @param senderPort  the sender's end of the connection it came on (its local TCP port), -1 when unknown
     */
    public record Oru(
            String controlId,
            String accession,
            String placerOrder,
            String resultStatus,
            String obx11,
            String patientId,
            String patientName,
            String birthDate,
            String text,
            List<Coded> coded,
            String modelVersion,
            String encoded,
            Instant at,
            int senderPort) {

        /** Finding code (OBX-3.1) to state code (OBX-5.1). */
        public Map<String, String> findings() {
            return coded.stream()
                    .collect(Collectors.toMap(Coded::code, Coded::valueCode, (a, b) -> b, LinkedHashMap::new));
        }

        /** Finding name (OBX-3.2) to state name (OBX-5.2). */
        public Map<String, String> findingNames() {
            return coded.stream()
                    .collect(Collectors.toMap(Coded::name, Coded::valueName, (a, b) -> b, LinkedHashMap::new));
        }
    }

    private final int port;
    private final Duration lateAnswer;
    /** Null: plain MLLP. */
    private final TestTls.Identity tlsIdentity;

    private final HapiContext context = new DefaultHapiContext();
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<byte[]> faults = new ConcurrentLinkedDeque<>();
    private final List<Oru> accepted = new CopyOnWriteArrayList<>();
    private final List<String> arrivals = new CopyOnWriteArrayList<>();
    private volatile BiConsumer<String, Integer> beforeAnswer = (accession, senderPort) -> {};
    private HL7Service server;
    private ServerSocket raw;
    private volatile Socket rawConnection;

    /** A RIS on {@code port} (0: a free one), not listening yet; a {@link Reply#TIMEOUT} answers after 1.5 s. */
    public RisPeer(int port) {
        this(port, Duration.ofMillis(1500));
    }

    /** @param lateAnswer how late a {@link Reply#TIMEOUT} answer comes: longer than the sender's ACK time-out */
    public RisPeer(int port, Duration lateAnswer) {
        this(port, lateAnswer, null, null);
    }

    private RisPeer(int port, Duration lateAnswer, TestTls.Identity identity, TestTls.Identity trustedClient) {
        this.port = port == 0 ? FreePorts.next() : port;
        this.lateAnswer = lateAnswer;
        this.tlsIdentity = identity;
        if (identity != null) {
            context.setSocketFactory(tlsSockets(identity, trustedClient));
        }
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        context.setValidationContext(ValidationContextFactory.noValidation());
        // Decode each message in the character set its MSH-18 names, as a RIS must (HAPI's default reads US-ASCII).
        context.setLowerLayerProtocol(new MinLowerLayerProtocol(true));
    }

    /**
     * A RIS on {@code port} (0: a free one) that speaks MLLP over TLS only, presenting {@code identity}'s
     * certificate; with {@code trustedClient} it requires a client certificate (mutual TLS) and accepts
     * only that one. {@link #misbehave} is plain MLLP and not available here.
     */
    public static RisPeer tls(int port, TestTls.Identity identity, TestTls.Identity trustedClient) {
        return new RisPeer(port, Duration.ofMillis(1500), identity, trustedClient);
    }

    private static StandardSocketFactory tlsSockets(TestTls.Identity identity, TestTls.Identity trustedClient) {
        SSLContext ctx = identity.context(true, trustedClient == null ? identity : trustedClient);
        return new StandardSocketFactory() {
            @Override
            public ServerSocket createTlsServerSocket() throws IOException {
                SSLServerSocket socket =
                        (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
                socket.setReuseAddress(true); // another peer may take the port over right after this one stopped
                socket.setNeedClientAuth(trustedClient != null);
                return socket;
            }
        };
    }

    public int port() {
        return port;
    }

    /** Listens with the HAPI server (again, after {@link #stop} or {@link #misbehave}); a no-op when it already does. */
    public synchronized RisPeer start() {
        closeRaw();
        if (server == null) {
            server = context.newServer(port, tlsIdentity != null);
            server.registerApplication(this);
            try {
                server.startAndWait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return this;
    }

    /** Stops listening: new connections are refused, open ones are closed. */
    public synchronized void stop() {
        closeRaw();
        if (server != null) {
            server.stopAndWait();
            server = null;
        }
    }

    /** HL7 answers for the next messages, in order; AA once the script is used up. */
    public void script(Reply... replies) {
        script.addAll(List.of(replies));
    }

    /**
     * Takes the port over with a plain socket that answers the next frames, one each, with these
     * bytes: a whole frame ({@link Mllp#frame}) keeps the connection open; anything else (nothing:
     * {@link #HANG_UP}, half a frame: {@link #HALF_ACK}, bytes without framing) is followed by a
     * hang-up. Once they are used up it answers as the HAPI server would, until {@link #start()}.
     */
    public synchronized RisPeer misbehave(byte[]... answers) throws IOException {
        if (tlsIdentity != null) {
            throw new IllegalStateException("misbehave speaks plain MLLP; this RIS listens on TLS");
        }
        stop();
        faults.addAll(List.of(answers));
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        raw = socket;
        Thread acceptor = new Thread(() -> acceptLoop(socket), "ris-peer-raw");
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    /** How many of the answers given to {@link #misbehave} have not been served yet (0: every one was). */
    public int misbehaviourLeft() {
        return faults.size();
    }

    /** Every ORU answered AA, in order (a resend with the same MSH-10 included). */
    public List<Oru> accepted() {
        return List.copyOf(accepted);
    }

    /** MSH-10 of every arrival, in order, including refused, late and misbehaved-on ones. */
    public List<String> arrivals() {
        return List.copyOf(arrivals);
    }

    public List<Oru> forAccession(String accession) {
        return accepted.stream().filter(o -> accession.equals(o.accession())).toList();
    }

    /** Accessions that reached the RIS under more than one MSH-10: real duplicates a RIS would file twice. */
    public Map<String, Long> duplicateAccessions() {
        Map<String, Long> distinctIds = accepted.stream()
                .collect(Collectors.groupingBy(
                        Oru::accession,
                        LinkedHashMap::new,
                        Collectors.mapping(Oru::controlId, Collectors.collectingAndThen(Collectors.toSet(), s ->
                                (long) s.size()))));
        distinctIds.values().removeIf(n -> n < 2);
        return distinctIds;
    }

    /** Accepted ORUs that repeated an MSH-10 already accepted (a resend after a lost ACK; a RIS drops these by MSH-10). */
    public long retransmissions() {
        return accepted.size()
                - accepted.stream().map(Oru::controlId).distinct().count();
    }

    /** Forgets what arrived, the scripts and the hook. */
    public void clear() {
        accepted.clear();
        arrivals.clear();
        script.clear();
        faults.clear();
        beforeAnswer = (accession, senderPort) -> {};
    }

    /**
     * Runs on the listener thread with each arrival's accession (OBR-18) before it is answered, so
     * the sender is provably waiting for this ACK while the hook runs.
     */
    public void beforeAnswer(Consumer<String> hook) {
        beforeAnswer = (accession, senderPort) -> hook.accept(accession);
    }

    /**
     * As {@link #beforeAnswer(Consumer)}, with the sender's end of the connection (its local TCP port, -1 when
     * unknown), so a test can tell which of several sending processes is waiting for this ACK.
     */
    public void beforeAnswerFrom(BiConsumer<String, Integer> hook) {
        beforeAnswer = hook;
    }

    @Override
    public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
        Terser t = new Terser(message);
        String controlId = t.get("/MSH-10");
        arrivals.add(controlId);
        int senderPort = metadata.get(MetadataKeys.IN_SENDING_PORT) instanceof Integer sender ? sender : -1;
        beforeAnswer.accept(t.get("/.OBR-18"), senderPort);
        Reply reply = script.poll();
        try {
            switch (reply == null ? Reply.AA : reply) {
                case AE:
                    return message.generateACK(AcknowledgmentCode.AE, new HL7Exception("simulated application error"));
                case AR:
                    return message.generateACK(AcknowledgmentCode.AR, new HL7Exception("simulated reject"));
                case WRONG_CONTROL_ID:
                case EMPTY_CONTROL_ID:
                    Message ack = message.generateACK();
                    new Terser(ack).set("/MSA-2", reply == Reply.WRONG_CONTROL_ID ? "NOT-" + controlId : "");
                    return ack;
                case TIMEOUT:
                    Thread.sleep(lateAnswer.toMillis());
                    return message.generateACK(AcknowledgmentCode.AE, new HL7Exception("too late"));
                default:
                    accepted.add(oru(t, controlId, message.encode(), senderPort));
                    return message.generateACK();
            }
        } catch (IOException e) {
            throw new HL7Exception(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HL7Exception(e);
        }
    }

    private static Oru oru(Terser t, String controlId, String encoded, int senderPort) throws HL7Exception {
        List<String> text = new ArrayList<>();
        List<Coded> coded = new ArrayList<>();
        String model = null;
        for (int i = 0; ; i++) {
            String base = "/.OBSERVATION(" + i + ")/OBX-";
            String type = t.get(base + "2");
            if (type == null) {
                break;
            }
            switch (type) {
                case "TX" -> text.add(nullToEmpty(t.get(base + "5")));
                case "CWE" ->
                    coded.add(new Coded(
                            t.get(base + "3-1"), t.get(base + "3-2"), t.get(base + "5-1"), t.get(base + "5-2")));
                case "ST" -> {
                    if ("AI-MODEL".equals(t.get(base + "3-1"))) {
                        model = t.get(base + "5");
                    }
                }
                default -> {}
            }
        }
        return new Oru(
                controlId,
                t.get("/.OBR-18"),
                t.get("/.OBR-2-1"),
                t.get("/.OBR-25"),
                t.get("/.OBSERVATION(0)/OBX-11"),
                t.get("/.PID-3-1"),
                t.get("/.PID-5-1"),
                t.get("/.PID-7-1"),
                String.join("\n", text),
                List.copyOf(coded),
                model,
                encoded,
                Instant.now(),
                senderPort);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                rawConnection = s;
                serveRaw(s);
            } catch (IOException | HL7Exception | RuntimeException e) {
                // the sender hung up, we did, or a frame was not HL7: wait for the next connection
            }
        }
    }

    private void serveRaw(Socket s) throws IOException, HL7Exception {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        String frame;
        while ((frame = Mllp.readFrame(in, StandardCharsets.UTF_8)) != null) {
            byte[] fault = faults.poll();
            if (fault == null) {
                Message ack = processMessage(context.getPipeParser().parse(frame), Map.of());
                out.write(Mllp.frame(ack.encode()));
                out.flush();
                continue;
            }
            arrivals.add(frame.split("\r")[0].split("\\|")[9]);
            out.write(fault);
            out.flush();
            boolean wholeFrame = fault.length >= 3
                    && fault[0] == Mllp.START
                    && fault[fault.length - 2] == Mllp.END
                    && fault[fault.length - 1] == Mllp.CR;
            if (!wholeFrame) {
                return;
            }
        }
    }

    private void closeRaw() {
        if (raw == null) {
            return;
        }
        try {
            raw.close();
            Socket open = rawConnection;
            if (open != null) {
                open.close(); // the sender keeps its connection: it must not go on talking to a peer that is gone
            }
        } catch (IOException e) {
            // closing anyway
        }
        raw = null;
        rawConnection = null;
    }

    @Override
    public boolean canProcess(Message message) {
        return true;
    }

    @Override
    public void close() throws IOException {
        stop();
        context.close();
    }
}
