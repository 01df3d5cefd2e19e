package org.cxrplatform.report;

import ca.uhn.hl7v2.AcknowledgmentCode;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A real RIS stand-in: a HAPI MLLP server that answers each incoming message as scripted
 * (ACK, AE, AR, an ACK for another message, or no answer within the sender's timeout) and records what it accepted (AA).
 * Can be stopped and started again on the same port to play "down for a while".
 */
public final class RisListener implements ReceivingApplication<Message>, AutoCloseable {

    /** WRONG_CONTROL_ID: an AA whose MSA-2 names another message; EMPTY_CONTROL_ID: an AA with MSA-2 empty. */
    public enum Reply { AA, AE, AR, TIMEOUT, WRONG_CONTROL_ID, EMPTY_CONTROL_ID }

    /** One message the RIS accepted. */
    public record Received(String controlId, String patientId, String accession, String resultStatus, String obx11, String text,
                           String placerOrder, Map<String, String> findings, String encoded) {
    }

    private final int port;
    private final long timeoutSleepMs;
    private final HapiContext context = new DefaultHapiContext();
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<Received> accepted = new CopyOnWriteArrayList<>();
    private final List<String> arrivals = new CopyOnWriteArrayList<>();
    private volatile Consumer<String> beforeAnswer = accession -> { };
    private HL7Service server;
    private static RisListener shared;
    private static RisListener second;

    /**
     * The one listener of the test run on the configured RIS port, started on first use and
     * stopped at JVM exit, so no test class leaves the RIS "down" for the next one by accident.
     */
    public static synchronized RisListener shared() {
        if (shared == null) {
            shared = new RisListener(Integer.getInteger(ReportServiceResources.RIS_PORT), 1500).start();
            second();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared.start();
    }

    public RisListener(int port, long timeoutSleepMs) {
        this.port = port;
        this.timeoutSleepMs = timeoutSleepMs;
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        context.setValidationContext(ValidationContextFactory.noValidation());
        // A RIS that honours MSH-18 (HAPI's default would read every frame as US-ASCII).
        context.setLowerLayerProtocol(new ca.uhn.hl7v2.llp.MinLowerLayerProtocol(true));
    }

    public synchronized RisListener start() {
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

    public synchronized void stop() {
        if (server != null) {
            server.stopAndWait();
            server = null;
        }
    }

    /** Replies for the next messages, in order; AA once the script is used up. */
    public void script(Reply... replies) {
        script.addAll(List.of(replies));
    }

    public List<Received> accepted() {
        return List.copyOf(accepted);
    }

    /** Control ids of every arrival, including refused and timed-out ones. */
    public List<String> arrivals() {
        return List.copyOf(arrivals);
    }

    public void clear() {
        accepted.clear();
        arrivals.clear();
        script.clear();
        beforeAnswer = accession -> { };
    }

    /**
     * Runs on the listener thread with each arrival's accession (OBR-18) before it is answered, so
     * the sender is provably waiting for this ACK while the hook runs.
     */
    public void beforeAnswer(Consumer<String> hook) {
        beforeAnswer = hook;
    }

    /** The second configured RIS ("ris-b"): always up, always AA. */
    public static synchronized RisListener second() {
        if (second == null) {
            second = new RisListener(Integer.getInteger(ReportServiceResources.RIS2_PORT), 0).start();
            Runtime.getRuntime().addShutdownHook(new Thread(second::stop));
        }
        return second;
    }

    @Override
    public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
        Terser t = new Terser(message);
        String controlId = t.get("/MSH-10");
        arrivals.add(controlId);
        beforeAnswer.accept(t.get("/.OBR-18"));
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
                    Thread.sleep(timeoutSleepMs);
                    return message.generateACK(AcknowledgmentCode.AE, new HL7Exception("too late"));
                default:
                    StringBuilder text = new StringBuilder();
                    Map<String, String> findings = new java.util.LinkedHashMap<>();
                    for (int i = 0; ; i++) {
                        String type = t.get("/.OBSERVATION(" + i + ")/OBX-2");
                        if (type == null) {
                            break;
                        }
                        if ("TX".equals(type)) {
                            text.append(t.get("/.OBSERVATION(" + i + ")/OBX-5")).append('\n');
                        } else if ("CWE".equals(type)) {
                            findings.put(t.get("/.OBSERVATION(" + i + ")/OBX-3-2"), t.get("/.OBSERVATION(" + i + ")/OBX-5-2"));
                        }
                    }
                    accepted.add(new Received(controlId, t.get("/.PID-3-1"), t.get("/.OBR-18"), t.get("/.OBR-25"),
                            t.get("/.OBSERVATION(0)/OBX-11"), text.toString().strip(), t.get("/.OBR-2-1"), findings, message.encode()));
                    return message.generateACK();
            }
        } catch (IOException e) {
            throw new HL7Exception(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HL7Exception(e);
        }
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
