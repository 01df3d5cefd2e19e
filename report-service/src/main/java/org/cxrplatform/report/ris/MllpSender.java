package org.cxrplatform.report.ris;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.cxrplatform.report.ReportConfig;

/**
 * Sends an ORU over MLLP to the RIS endpoint named by the entry's destination and reads the ACK:
 * AA (or CA) is success; AE, AR, a timeout or no connection throw, so the worker retries.
 * A connection that failed is closed and re-opened on the next attempt.
 */
@ApplicationScoped
public class MllpSender implements OutboxSender {

    @Inject
    Hl7Context hl7;

    @Inject
    ReportConfig config;

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
        Message message = hl7.get().getPipeParser().parse(new String(entry.payload(), StandardCharsets.UTF_8));
        Connection connection = hl7.get().newClient(endpoint.host(), endpoint.port(), false);
        try {
            connection.getInitiator().setTimeout(config.ris().ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
            Message ack = connection.getInitiator().sendAndReceive(message);
            Terser terser = new Terser(ack);
            String code = terser.get("/MSA-1");
            if ("AA".equals(code) || "CA".equals(code)) {
                return code;
            }
            String text = terser.get("/MSA-3");
            throw new HL7Exception("RIS answered " + code + (text == null ? "" : ": " + text));
        } catch (Exception e) {
            connection.close();
            throw e;
        }
    }
}
