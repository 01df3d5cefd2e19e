package org.cxrplatform.ingest.orders;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.message.OMI_O23;
import ca.uhn.hl7v2.model.v251.message.ORM_O01;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.PV1;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.cxrplatform.contracts.Lane;
import org.cxrplatform.contracts.SourceStudy;
import org.cxrplatform.ingest.backlog.PacsClient;
import org.cxrplatform.ingest.pipeline.OrderHook;
import org.cxrplatform.ingest.select.LaneRules;
import org.jboss.logging.Logger;

/**
 * HL7 orders in: an MLLP listener (HAPI) for ORM^O01 and OMI^O23 (v2.5.1 structures; other 2.x
 * versions are read as 2.5.1). A chest radiograph order is remembered ({@link OrderStore}) with
 * its lane; when it completes (ORC-5 in {@code completeStatuses}) its study is found on the PACS
 * by accession number (C-FIND) and moved to our SCP (C-MOVE), unless instances with that accession
 * number already arrived by push. As the {@link OrderHook} of the pipeline it gives every instance
 * of a known order the order's lane. Every message is acknowledged: AA when taken (including
 * orders that are not chest radiographs: ignored), AE with the reason in MSA-3/ERR when a required
 * field is missing; HAPI answers unparseable messages and other message types with AR/AE itself.
 *
 * <p>Thread-safe.
 */
public final class OrderService implements OrderHook, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OrderService.class);

    private final OrderSettings settings;
    private final OrderStore store;
    private final PacsClient pacs;
    private final HapiContext hapi;
    private final ScheduledExecutorService retrievals;
    private final PushedAccessions pushed;
    private final Map<String, Order> byAccession = new ConcurrentHashMap<>();
    private HL7Service server;

    /**
     * @param pushed accession numbers that arrived by push; closed with this service
     * @param pacs   where completed orders are retrieved from; null: orders only set lanes of pushed instances
     * @throws IllegalStateException when TLS is configured and its key or trust store cannot be used ({@code pushed}
     *                               is closed then too)
     */
    public OrderService(OrderSettings settings, OrderStore store, PushedAccessions pushed, PacsClient pacs) {
        StandardSocketFactory sockets;
        try {
            sockets = settings.tls() == null ? null : settings.tls().socketFactory();
        } catch (RuntimeException e) {
            pushed.close();
            throw e;
        }
        this.settings = settings;
        this.store = store;
        this.pushed = pushed;
        this.pacs = pacs;
        for (Order o : store.all()) {
            byAccession.put(o.accessionNumber(), o);
        }
        hapi = new DefaultHapiContext();
        hapi.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
        hapi.setValidationContext(ValidationContextFactory.noValidation());
        hapi.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        if (sockets != null) {
            hapi.setSocketFactory(sockets);
        }
        retrievals = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "order-retrieval");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the MLLP listener and resumes retrievals a previous run left unfinished. */
    public OrderService start() throws InterruptedException {
        server = hapi.newServer(settings.mllpPort(), settings.tls() != null);
        Receiver receiver = new Receiver();
        server.registerApplication("ORM", "O01", receiver);
        server.registerApplication("OMI", "O23", receiver);
        server.startAndWait();
        for (Order o : byAccession.values()) {
            if (o.state() == Order.State.RETRIEVING) {
                retrievals.submit(() -> retrieve(o.accessionNumber(), 1));
            }
        }
        LOG.infof("HL7 order listener (MLLP%s) on port %d", settings.tls() == null ? "" : " over TLS, " + settings.tls(),
                settings.mllpPort());
        return this;
    }

    public boolean isRunning() {
        return server != null && server.isRunning();
    }

    public java.util.Optional<Order> order(String accessionNumber) {
        return java.util.Optional.ofNullable(byAccession.get(accessionNumber));
    }

    public List<Order> all() {
        return new ArrayList<>(byAccession.values());
    }

    @Override
    public LaneRules.LaneDecision laneOf(String accessionNumber, boolean retrieved) {
        if (accessionNumber == null || accessionNumber.isBlank()) {
            return null;
        }
        String acc = accessionNumber.trim();
        if (!retrieved) {
            pushed.add(acc);
        }
        Order o = byAccession.get(acc);
        if (o == null || o.state() == Order.State.CANCELLED) {
            return null;
        }
        return new LaneRules.LaneDecision(o.lane(), "HL7 order " + acc + ": " + o.laneReason());
    }

    @Override
    public Ordered orderOf(String accessionNumber) {
        Order o = accessionNumber == null ? null : byAccession.get(accessionNumber.trim());
        if (o == null || o.state() == Order.State.CANCELLED) {
            return null;
        }
        return new Ordered(o.placerOrderNumber(), procedureOf(o.procedure()));
    }

    /** Reads back {@link Order#procedure()} ("code^text^system"; "code^text" in orders stored before). */
    static SourceStudy.Procedure procedureOf(String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\^", -1);
        String code = parts.length > 0 ? trim(parts[0]) : null;
        if (code == null) {
            return null;
        }
        return new SourceStudy.Procedure(code, parts.length > 2 ? trim(parts[2]) : null, parts.length > 1 ? trim(parts[1]) : null);
    }

    /** The parsed content of one order of a message. */
    record Parsed(String control, String status, String placer, String accession, CE procedure, List<String> priorities,
                  String patientClass) {
    }

    Message handle(Message in) throws HL7Exception, IOException {
        List<Parsed> orders = new ArrayList<>();
        if (in instanceof ORM_O01 orm) {
            PV1 pv1 = orm.getPATIENT().getPATIENT_VISIT().getPV1();
            for (int i = 0; i < orm.getORDERReps(); i++) {
                ORC orc = orm.getORDER(i).getORC();
                OBR obr = orm.getORDER(i).getORDER_DETAIL().getOBR();
                List<String> prio = new ArrayList<>();
                prio.add(orc.getQuantityTiming(0).getPriority().getValue());
                prio.add(obr.getQuantityTiming(0).getPriority().getValue());
                prio.add(obr.getPriorityOBR().getValue());
                orders.add(parsed(orc, obr, null, prio, pv1.getPatientClass().getValue()));
            }
        } else if (in instanceof OMI_O23 omi) {
            PV1 pv1 = omi.getPATIENT().getPATIENT_VISIT().getPV1();
            for (int i = 0; i < omi.getORDERReps(); i++) {
                var order = omi.getORDER(i);
                List<String> prio = new ArrayList<>();
                prio.add(order.getORC().getQuantityTiming(0).getPriority().getValue());
                for (int t = 0; t < order.getTIMINGReps(); t++) {
                    prio.add(order.getTIMING(t).getTQ1().getPriority(0).getIdentifier().getValue());
                }
                prio.add(order.getOBR().getPriorityOBR().getValue());
                String ipc = order.getIPCReps() > 0 ? order.getIPC(0).getAccessionIdentifier().getEntityIdentifier().getValue() : null;
                orders.add(parsed(order.getORC(), order.getOBR(), ipc, prio, pv1.getPatientClass().getValue()));
            }
        } else {
            return in.generateACK(AcknowledgmentCode.AR, new HL7Exception("unsupported message type",
                    ErrorCode.UNSUPPORTED_MESSAGE_TYPE));
        }
        if (orders.isEmpty()) {
            return in.generateACK(AcknowledgmentCode.AE, new HL7Exception("no ORC/OBR order group",
                    ErrorCode.SEGMENT_SEQUENCE_ERROR));
        }
        for (Parsed p : orders) {
            if (p.control() == null) {
                return in.generateACK(AcknowledgmentCode.AE, new HL7Exception("ORC-1 order control missing",
                        ErrorCode.REQUIRED_FIELD_MISSING));
            }
            if (p.accession() == null) {
                return in.generateACK(AcknowledgmentCode.AE, new HL7Exception(
                        "no accession number (IPC-1, OBR-18, ORC-3 or OBR-3)", ErrorCode.REQUIRED_FIELD_MISSING));
            }
        }
        for (Parsed p : orders) {
            take(p);
        }
        return in.generateACK();
    }

    private static Parsed parsed(ORC orc, OBR obr, String ipcAccession, List<String> priorities, String patientClass) {
        String accession = first(ipcAccession, obr.getPlacerField1().getValue(),
                orc.getFillerOrderNumber().getEntityIdentifier().getValue(),
                obr.getFillerOrderNumber().getEntityIdentifier().getValue());
        return new Parsed(trim(orc.getOrderControl().getValue()), trim(orc.getOrderStatus().getValue()),
                first(orc.getPlacerOrderNumber().getEntityIdentifier().getValue(),
                        obr.getPlacerOrderNumber().getEntityIdentifier().getValue()),
                accession, obr.getUniversalServiceIdentifier(), priorities, trim(patientClass));
    }

    private void take(Parsed p) {
        String acc = p.accession();
        Order known = byAccession.get(acc);
        String control = p.control().toUpperCase(Locale.ROOT);
        String status = p.status() == null ? null : p.status().toUpperCase(Locale.ROOT);
        if (known == null) {
            if (!isChestRadiograph(p.procedure())) {
                LOG.infof("HL7 order %s ignored: %s is not a chest radiograph", acc, text(p.procedure()));
                return;
            }
            Lane lane = Lane.ROUTINE;
            String reason = "routine order";
            for (String prio : p.priorities()) {
                if (prio != null && settings.statPriorities().contains(prio.trim().toUpperCase(Locale.ROOT))) {
                    lane = Lane.STAT;
                    reason = "order priority " + prio.trim();
                    break;
                }
            }
            if (lane == Lane.ROUTINE && p.patientClass() != null
                    && settings.statPatientClasses().contains(p.patientClass().toUpperCase(Locale.ROOT))) {
                lane = Lane.STAT;
                reason = "patient class " + p.patientClass();
            }
            known = new Order(acc, p.placer(), text(p.procedure()), lane, reason, Order.State.SCHEDULED, Instant.now(),
                    Instant.now(), null);
            save(known);
            LOG.infof("HL7 order %s (%s) remembered on the %s lane: %s", acc, known.procedure(), lane, reason);
        }
        if ("CA".equals(control) || "DC".equals(control) || "OC".equals(control) || "CA".equals(status)) {
            save(known.with(Order.State.CANCELLED, "cancelled by " + control));
            return;
        }
        if (status != null && settings.completeStatuses().contains(status) && known.state() == Order.State.SCHEDULED) {
            if (pushed.contains(acc)) {
                save(known.with(Order.State.PUSHED, "images already arrived by push"));
                LOG.infof("HL7 order %s completed; its images already arrived by push", acc);
            } else if (pacs == null) {
                save(known.with(Order.State.FAILED, "no PACS configured to retrieve from"));
            } else {
                save(known.with(Order.State.RETRIEVING, "completed (ORC-5 " + status + ")"));
                retrievals.submit(() -> retrieve(acc, 1));
            }
        }
    }

    private void retrieve(String acc, int attempt) {
        Order o = byAccession.get(acc);
        if (o == null || o.state() != Order.State.RETRIEVING) {
            return;
        }
        if (pushed.contains(acc)) {
            save(o.with(Order.State.PUSHED, "images arrived by push before retrieval"));
            return;
        }
        String problem;
        try {
            List<String> studies = pacs.studiesByAccession(acc);
            if (!studies.isEmpty()) {
                for (String study : studies) {
                    pacs.moveStudy(study);
                }
                save(o.with(Order.State.RETRIEVED, "moved " + studies.size() + " study(ies) from the PACS"));
                LOG.infof("HL7 order %s: retrieved %d study(ies) by accession number", acc, studies.size());
                return;
            }
            problem = "no study with accession number " + acc + " on the PACS";
        } catch (Exception e) {
            problem = "PACS: " + e.getMessage();
        }
        if (attempt >= settings.retrieveAttempts()) {
            save(o.with(Order.State.FAILED, problem + " (gave up after " + attempt + " attempts)"));
            LOG.warnf("HL7 order %s: retrieval failed: %s", acc, problem);
            return;
        }
        save(o.with(Order.State.RETRIEVING, problem + " (attempt " + attempt + ", retrying)"));
        retrievals.schedule(() -> retrieve(acc, attempt + 1), settings.retryDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void save(Order o) {
        store.save(o);
        byAccession.put(o.accessionNumber(), o);
    }

    boolean isChestRadiograph(CE procedure) {
        String code = trim(procedure.getIdentifier().getValue());
        if (code != null && settings.procedureCodes().contains(code.toUpperCase(Locale.ROOT))) {
            return true;
        }
        String words = (nullToEmpty(code) + " " + nullToEmpty(procedure.getText().getValue()) + " "
                + nullToEmpty(procedure.getAlternateText().getValue())).toUpperCase(Locale.ROOT);
        boolean chest = false;
        boolean radiograph = false;
        for (String w : words.split("[^A-Z0-9-]+")) {
            chest |= settings.chestTerms().contains(w);
            radiograph |= settings.radiographTerms().contains(w);
        }
        return chest && radiograph;
    }

    private static String text(CE ce) {
        return nullToEmpty(ce.getIdentifier().getValue()) + "^" + nullToEmpty(ce.getText().getValue()) + "^"
                + nullToEmpty(ce.getNameOfCodingSystem().getValue());
    }

    private static String first(String... values) {
        for (String v : values) {
            if (trim(v) != null) {
                return v.trim();
            }
        }
        return null;
    }

    private static String trim(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String nullToEmpty(String v) {
        return v == null ? "" : v;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stopAndWait();
        }
        retrievals.shutdownNow();
        pushed.close();
        try {
            hapi.close();
        } catch (IOException e) {
            LOG.debugf("closing HAPI context: %s", e.getMessage());
        }
    }

    private final class Receiver implements ReceivingApplication<Message> {
        @Override
        public Message processMessage(Message in, Map<String, Object> metadata) throws HL7Exception {
            try {
                return handle(in);
            } catch (IOException e) {
                throw new HL7Exception(e);
            } catch (RuntimeException e) {
                LOG.errorf(e, "HL7 order message failed");
                try {
                    return in.generateACK(AcknowledgmentCode.AE, new HL7Exception("processing failure: " + e.getMessage(),
                            ErrorCode.APPLICATION_INTERNAL_ERROR));
                } catch (IOException io) {
                    throw new HL7Exception(io);
                }
            }
        }

        @Override
        public boolean canProcess(Message in) {
            return true;
        }
    }
}
