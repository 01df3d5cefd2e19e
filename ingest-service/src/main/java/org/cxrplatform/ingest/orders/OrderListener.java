package org.cxrplatform.ingest.orders;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.protocol.MetadataKeys;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.util.Map;
import org.cxrplatform.ingest.audit.IngestAudit;
import org.cxrplatform.ingest.config.IngestConfig;
import org.jboss.logging.Logger;

/**
 * The MLLP listener (HAPI) for ORM^O01 and OMI^O23, optionally over TLS. Other 2.x versions are
 * read as the 2.5.1 structures, without validation. Each message goes to the handler, whose answer
 * is sent back; an unexpected failure is answered AE with the reason. HAPI itself answers
 * unparseable messages and other message types.
 *
 * <p>Thread-safe.
 */
final class OrderListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OrderListener.class);

    /** Answers one message with its ACK. */
    interface Handler {
        Message handle(Message in) throws HL7Exception, IOException;
    }

    private final int port;
    /** Null: plain MLLP. */
    private final MllpTls tls;

    private final Handler handler;
    private volatile IngestAudit audit = IngestAudit.NONE;
    private final HapiContext hapi = new DefaultHapiContext();
    private HL7Service server;

    /** @throws IllegalStateException when TLS is on and its key or trust store cannot be used */
    OrderListener(IngestConfig.Orders config, Handler handler) {
        this.port = config.mllpPort()
                .orElseThrow(() -> new IllegalStateException("cxr.ingest.orders.mllp-port is not set"));
        this.tls = config.tls().enabled() ? new MllpTls(config.tls()) : null;
        this.handler = handler;
        hapi.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
        hapi.setValidationContext(ValidationContextFactory.noValidation());
        hapi.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        if (tls != null) {
            hapi.setSocketFactory(tls.socketFactory());
        }
    }

    void audit(IngestAudit audit) {
        this.audit = audit;
    }

    void start() throws InterruptedException {
        server = hapi.newServer(port, tls != null);
        Receiver receiver = new Receiver();
        server.registerApplication("ORM", "O01", receiver);
        server.registerApplication("OMI", "O23", receiver);
        server.startAndWait();
        LOG.infof("HL7 order listener (MLLP%s) on port %d", tls == null ? "" : " over TLS, " + tls, port);
    }

    boolean isRunning() {
        return server != null && server.isRunning();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stopAndWait();
        }
        try {
            hapi.close();
        } catch (IOException e) {
            LOG.debugf("closing HAPI context: %s", e.getMessage());
        }
    }

    private final class Receiver implements ReceivingApplication<Message> {
        @Override
        public Message processMessage(Message in, Map<String, Object> metadata) throws HL7Exception {
            boolean ok = false;
            try {
                Message ack = handler.handle(in);
                ok = "AA".equals(field(ack, "/MSA-1"));
                return ack;
            } catch (IOException e) {
                throw new HL7Exception(e);
            } catch (RuntimeException e) {
                LOG.errorf(e, "HL7 order message failed");
                try {
                    return in.generateACK(
                            AcknowledgmentCode.AE,
                            new HL7Exception(
                                    "processing failure: " + e.getMessage(), ErrorCode.APPLICATION_INTERNAL_ERROR));
                } catch (IOException io) {
                    throw new HL7Exception(io);
                }
            } finally {
                Object from = metadata.get(MetadataKeys.IN_SENDING_IP);
                audit.orderReceived(
                        field(in, "/MSH-3-1"),
                        from == null ? null : from.toString(),
                        field(in, "/.OBR-18"),
                        field(in, "/.PID-3-1"),
                        ok);
            }
        }

        /** A field's value, or null if the message has no such field. */
        private static String field(Message m, String path) {
            try {
                String v = new Terser(m).get(path);
                return v == null || v.isBlank() ? null : v;
            } catch (HL7Exception | RuntimeException e) {
                return null;
            }
        }

        @Override
        public boolean canProcess(Message in) {
            return true;
        }
    }
}
