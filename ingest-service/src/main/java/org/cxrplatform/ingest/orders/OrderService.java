package org.cxrplatform.ingest.orders;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.cxrplatform.ingest.audit.IngestAudit;
import org.cxrplatform.ingest.backlog.PacsClient;
import org.cxrplatform.ingest.config.IngestConfig;
import org.cxrplatform.ingest.pipeline.OrderHook;
import org.cxrplatform.ingest.select.LaneRules;
import org.jboss.logging.Logger;

/**
 * HL7 orders in, assembled: the MLLP listener ({@link OrderListener}) hands each ORM^O01 / OMI^O23
 * to {@link OrderParser}; a new order that is a chest radiograph ({@link ChestProcedures}) is
 * remembered with its lane ({@link OrderLanes}) by the state machine ({@link OrderTracker}); when it
 * completes (ORC-5 in {@code complete-statuses}) its study is retrieved from the PACS by accession
 * number ({@link OrderRetrieval}), unless instances with that accession number already arrived by
 * push. As the pipeline's {@link OrderHook} it gives every instance of a known order the order's lane.
 * Every message is acknowledged: AA when taken (including orders that are not chest radiographs:
 * ignored), AE with the reason in MSA-3/ERR when a required field is missing.
 *
 * <p>Thread-safe.
 */
public final class OrderService implements OrderHook, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OrderService.class);

    private final OrderListener listener;
    private final PushedAccessions pushed;
    private final OrderTracker tracker;
    private final ChestProcedures procedures;
    private final OrderLanes lanes;
    /** Null without a PACS. */
    private final OrderRetrieval retrieval;

    /**
     * @param pushed accession numbers that arrived by push; closed with this service
     * @param pacs   where completed orders are retrieved from; null: orders only set lanes of pushed instances
     * @throws IllegalStateException when TLS is configured and its key or trust store cannot be used ({@code pushed}
     *                               is closed then too)
     */
    public OrderService(IngestConfig.Orders config, OrderStore store, PushedAccessions pushed, PacsClient pacs) {
        try {
            this.listener = new OrderListener(config, this::handle);
        } catch (RuntimeException e) {
            pushed.close();
            throw e;
        }
        this.pushed = pushed;
        this.tracker = new OrderTracker(store, pushed, config.completeStatuses(), pacs != null);
        this.procedures = new ChestProcedures(config);
        this.lanes = new OrderLanes(config);
        this.retrieval =
                pacs == null ? null : new OrderRetrieval(tracker, pacs, config.retrieveAttempts(), config.retryDelay());
    }

    /** Where orders received are audited (110107); set before {@link #start}. */
    public OrderService audit(IngestAudit audit) {
        listener.audit(audit);
        return this;
    }

    /** Starts the MLLP listener and resumes retrievals a previous run left unfinished. */
    public OrderService start() throws InterruptedException {
        listener.start();
        if (retrieval != null) {
            tracker.retrieving().forEach(retrieval::start);
        }
        return this;
    }

    public boolean isRunning() {
        return listener.isRunning();
    }

    public Optional<Order> order(String accessionNumber) {
        return tracker.order(accessionNumber);
    }

    @Override
    public LaneRules.LaneDecision laneOf(String accessionNumber, boolean retrieved) {
        return tracker.laneOf(accessionNumber, retrieved);
    }

    @Override
    public Ordered orderOf(String accessionNumber) {
        Order o = accessionNumber == null
                ? null
                : tracker.order(accessionNumber.trim()).orElse(null);
        if (o == null || o.state() == Order.State.CANCELLED) {
            return null;
        }
        return new Ordered(o.placerOrderNumber(), o.procedureCode());
    }

    private Message handle(Message in) throws HL7Exception, IOException {
        List<ParsedOrder> orders;
        try {
            orders = OrderParser.read(in);
        } catch (OrderParser.Refused refused) {
            return refused.answer(in);
        }
        for (ParsedOrder order : orders) {
            take(order);
        }
        return in.generateACK();
    }

    private void take(ParsedOrder order) {
        if (tracker.order(order.accession()).isEmpty()) {
            if (!procedures.isChestRadiograph(order)) {
                LOG.infof("HL7 order %s ignored: %s is not a chest radiograph", order.accession(), order.procedure());
                return;
            }
            tracker.schedule(order, lanes.decide(order));
        }
        if (tracker.apply(order)) {
            retrieval.start(order.accession());
        }
    }

    @Override
    public void close() {
        listener.close();
        if (retrieval != null) {
            retrieval.close();
        }
        pushed.close();
    }
}
