package org.cxrplatform.report.ris;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.EncodingNotSupportedException;
import ca.uhn.hl7v2.util.Terser;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cxrplatform.report.ReportConfig;
import org.cxrplatform.report.outbox.OutboxEntry;
import org.cxrplatform.report.outbox.OutboxSender;

/**
 * Sends an ORU over MLLP to the RIS endpoint named by the entry's destination and checks the ACK:
 * delivered only when MSA-2 names this message's MSH-10 and MSA-1 is AA (or CA). AE, AR, an ACK
 * for another message, an answer that is not an ACK, a timeout, a closed or refused connection
 * throw, so the worker retries with the same MSH-10. After a failure the connection is closed, so
 * a late answer can never be taken for the ACK of the next message.
 */
@ApplicationScoped
public class MllpSender implements OutboxSender {

    @Inject
    Hl7Context hl7;

    @Inject
    ReportConfig config;

    @Inject
    RisTls tls;

    private final Map<String, MllpConnection> connections = new ConcurrentHashMap<>();

    @Override
    public String kind() {
        return OutboxEntry.HL7;
    }

    @Override
    public String send(OutboxEntry entry) throws Exception {
        ReportConfig.Endpoint endpoint = config.ris().endpoints().stream()
                .filter(e -> e.destination().equals(entry.destination()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("destination " + entry.destination()
                        + " is not among cxr.report.ris.endpoints; the message waits until it is configured again"));
        MllpConnection connection = connections.computeIfAbsent(
                entry.destination(),
                d -> new MllpConnection(
                        endpoint.host(),
                        endpoint.port(),
                        Hl7Context.utf8Llp(),
                        tls.socketFactory(endpoint).orElse(null)));
        // the stored bytes go out as they are: what was queued is what the RIS gets, on every attempt
        String answer = connection.exchange(
                new String(entry.payload(), StandardCharsets.UTF_8),
                config.ris().ackTimeout());
        try {
            return accepted(entry.messageId(), answer);
        } catch (HL7Exception e) {
            connection.close(); // out of step with the RIS: start the next attempt on a fresh connection
            throw e;
        }
    }

    /** The ACK code if {@code answer} accepts the message with control id {@code sent}; otherwise why not. */
    private String accepted(String sent, String answer) throws HL7Exception {
        String code;
        String acknowledged;
        String text;
        try {
            Terser ack = new Terser(parse(answer));
            code = ack.get("/MSA-1");
            acknowledged = ack.get("/MSA-2");
            text = ack.get("/MSA-3");
        } catch (HL7Exception e) {
            throw new HL7Exception("RIS answered with something that is not an HL7 ACK, expected the ACK of " + sent
                    + ": " + excerpt(answer)
                    + (e instanceof EncodingNotSupportedException ? "" : " (" + excerpt(e.getMessage()) + ")"));
        }
        if (code == null) {
            throw new HL7Exception(
                    "RIS answered without MSA-1 (not an ACK), expected the ACK of " + sent + ": " + excerpt(answer));
        }
        if (!sent.equals(acknowledged)) {
            throw new HL7Exception("RIS acknowledged another message: sent MSH-10 " + sent + ", ACK MSA-2 "
                    + (acknowledged == null ? "empty" : acknowledged) + " (MSA-1 " + code
                    + "); not taken as delivered");
        }
        if ("AA".equals(code) || "CA".equals(code)) {
            return code;
        }
        throw new HL7Exception("RIS answered " + code + " for " + sent + (text == null ? "" : ": " + text));
    }

    private Message parse(String answer) throws HL7Exception {
        try {
            return hl7.get().getPipeParser().parse(answer);
        } catch (RuntimeException e) {
            throw new HL7Exception(e.toString(), e); // HAPI throws unchecked on some malformed input
        }
    }

    /** Text from the RIS on one log line: line breaks shown as ⏎, at most 120 characters. */
    private static String excerpt(String text) {
        String line = String.valueOf(text).replace("\r", "⏎").replace("\n", "⏎");
        return "'" + (line.length() > 120 ? line.substring(0, 120) + "…" : line) + "'";
    }

    @PreDestroy
    void closeAll() {
        connections.values().forEach(MllpConnection::close);
    }
}
