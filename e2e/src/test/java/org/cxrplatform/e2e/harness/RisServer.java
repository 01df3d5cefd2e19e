package org.cxrplatform.e2e.harness;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.cxrplatform.devstack.FreePorts;

/**
 * The RIS: a real HAPI MLLP server (HL7 v2.5.1) that records every ORU it receives and answers AA,
 * as a RIS that de-duplicates by MSH-10 would. {@link #refuse()} stops the listener so connections
 * are refused (the RIS is down); {@link #accept()} listens again on the same port.
 *
 * <p>Thread-safe.
 */
public final class RisServer implements ReceivingApplication<Message>, AutoCloseable {

    /**
     * One ORU as the RIS saw it.
     *
     * @param findings   SNOMED finding code (OBX-3.1) to state code (OBX-5.1), from the CWE OBX
     * @param text       the TX OBX lines joined with '\n'
     */
    public record Oru(String controlId, String accession, String resultStatus, String patientId, String patientName,
                      String birthDate, String text, Map<String, String> findings, String modelVersion, Instant at) {
    }

    private final int port;
    private final HapiContext context = new DefaultHapiContext();
    private final List<Oru> received = new CopyOnWriteArrayList<>();
    private HL7Service server;

    public RisServer(int port) {
        this.port = port == 0 ? FreePorts.next() : port;
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        context.setValidationContext(ValidationContextFactory.noValidation());
        // Decode each message in the character set its MSH-18 names, as a RIS must.
        context.setLowerLayerProtocol(new ca.uhn.hl7v2.llp.MinLowerLayerProtocol(true));
    }

    public int port() {
        return port;
    }

    public synchronized RisServer accept() {
        if (server == null) {
            server = context.newServer(port, false);
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
    public synchronized void refuse() {
        if (server != null) {
            server.stopAndWait();
            server = null;
        }
    }

    /**
     * Plays a broken RIS for the next {@code replies.size()} messages: a plain socket on the same port
     * answers each MLLP frame with the given bytes (garbage, a half frame, an ACK for another message),
     * or closes when the reply is empty; then the real listener comes back. Returns the frames it swallowed.
     */
    public List<String> misbehave(List<byte[]> replies, java.time.Duration timeout) throws IOException {
        refuse();
        List<String> swallowed = new ArrayList<>();
        try (java.net.ServerSocket ss = new java.net.ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            ss.setSoTimeout((int) timeout.toMillis());
            for (byte[] reply : replies) {
                try (java.net.Socket s = ss.accept()) {
                    s.setSoTimeout((int) timeout.toMillis());
                    java.io.InputStream in = s.getInputStream();
                    java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
                    int b;
                    int prev = -1;
                    while ((b = in.read()) >= 0) {
                        frame.write(b);
                        if (prev == 0x1c && b == 0x0d) {
                            break;
                        }
                        prev = b;
                    }
                    String msg = frame.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
                    int at = msg.indexOf("MSH|");
                    swallowed.add(at < 0 ? msg : msg.substring(at, Math.min(msg.length(), at + 80)));
                    if (reply.length > 0) {
                        s.getOutputStream().write(reply);
                        s.getOutputStream().flush();
                    }
                }
            }
        } finally {
            accept();
        }
        return swallowed;
    }

    public synchronized boolean accepting() {
        return server != null;
    }

    /** Every arrival, in order (retransmissions with the same MSH-10 included). */
    public List<Oru> received() {
        return List.copyOf(received);
    }

    public List<Oru> forAccession(String accession) {
        return received.stream().filter(o -> accession.equals(o.accession())).toList();
    }

    /** Accessions that reached the RIS under more than one MSH-10: real duplicates a RIS would file twice. */
    public Map<String, Long> duplicateAccessions() {
        Map<String, Long> distinctIds = received.stream().collect(Collectors.groupingBy(Oru::accession, LinkedHashMap::new,
                Collectors.mapping(Oru::controlId, Collectors.collectingAndThen(Collectors.toSet(), s -> (long) s.size()))));
        distinctIds.values().removeIf(n -> n < 2);
        return distinctIds;
    }

    /** Arrivals that repeated an MSH-10 already received (a resend after a lost ACK; a RIS drops these by MSH-10). */
    public long retransmissions() {
        return received.size() - received.stream().map(Oru::controlId).distinct().count();
    }

    public void clear() {
        received.clear();
    }

    @Override
    public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
        Terser t = new Terser(message);
        List<String> text = new ArrayList<>();
        Map<String, String> findings = new LinkedHashMap<>();
        String model = null;
        for (int i = 0; i < 200; i++) {
            String type = t.get("/.OBSERVATION(" + i + ")/OBX-2");
            if (type == null) {
                break;
            }
            String base = "/.OBSERVATION(" + i + ")/OBX-";
            switch (type) {
                case "TX" -> text.add(nullToEmpty(t.get(base + "5")));
                case "CWE" -> findings.put(t.get(base + "3-1"), t.get(base + "5-1"));
                case "ST" -> {
                    if ("AI-MODEL".equals(t.get(base + "3-1"))) {
                        model = t.get(base + "5");
                    }
                }
                default -> {
                }
            }
        }
        received.add(new Oru(t.get("/MSH-10"), t.get("/.OBR-18"), t.get("/.OBR-25"), t.get("/.PID-3-1"), t.get("/.PID-5-1"),
                t.get("/.PID-7-1"), String.join("\n", text), findings, model, Instant.now()));
        try {
            return message.generateACK();
        } catch (IOException e) {
            throw new HL7Exception(e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public boolean canProcess(Message message) {
        return true;
    }

    @Override
    public void close() throws IOException {
        refuse();
        context.close();
    }
}
