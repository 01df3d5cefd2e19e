package org.cxrplatform.ingest.orders;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cxrplatform.ingest.pipeline.OrderHook;
import org.cxrplatform.ingest.select.LaneRules;
import org.jboss.logging.Logger;

/**
 * The order state machine: orders by accession number, kept in the {@link OrderStore}, moved by
 * messages (scheduled, cancelled, completed) and by their retrieval (retrieving, retrieved, pushed,
 * failed). As the pipeline's {@link OrderHook} it learns which accession numbers arrived by push and
 * gives the instances of a known order its lane.
 *
 * <p>Thread-safe.
 */
final class OrderTracker implements OrderHook {

    private static final Logger LOG = Logger.getLogger(OrderTracker.class);

    private final OrderStore store;
    private final PushedAccessions pushed;
    private final Set<String> completeStatuses;
    private final boolean canRetrieve;
    private final Map<String, Order> byAccession = new ConcurrentHashMap<>();

    /**
     * @param completeStatuses ORC-5 values that complete an order
     * @param canRetrieve      a PACS is configured; without one a completed order that was not pushed fails
     */
    OrderTracker(OrderStore store, PushedAccessions pushed, Set<String> completeStatuses, boolean canRetrieve) {
        this.store = store;
        this.pushed = pushed;
        this.completeStatuses = completeStatuses;
        this.canRetrieve = canRetrieve;
        for (Order o : store.all()) {
            byAccession.put(o.accessionNumber(), o);
        }
    }

    Optional<Order> order(String accessionNumber) {
        return Optional.ofNullable(byAccession.get(accessionNumber));
    }

    /** Remembers a new chest radiograph order. */
    void schedule(ParsedOrder p, LaneRules.LaneDecision lane) {
        Order o = new Order(
                p.accession(),
                p.placer(),
                p.procedure(),
                lane.lane(),
                lane.reason(),
                Order.State.SCHEDULED,
                Instant.now(),
                Instant.now(),
                null);
        save(o);
        LOG.infof(
                "HL7 order %s (%s) remembered on the %s lane: %s",
                o.accessionNumber(), o.procedure(), lane.lane(), lane.reason());
    }

    /**
     * Applies a known order's control and status: cancellation, or completion (then the study
     * already arrived by push, or no PACS is configured, or it is to be retrieved).
     *
     * @return true when the order's study is to be retrieved now
     */
    boolean apply(ParsedOrder p) {
        String acc = p.accession();
        Order known = byAccession.get(acc);
        if (p.cancels()) {
            save(known.with(Order.State.CANCELLED, "cancelled by " + p.control()));
            return false;
        }
        if (p.status() == null || !completeStatuses.contains(p.status()) || known.state() != Order.State.SCHEDULED) {
            return false;
        }
        if (pushed.contains(acc)) {
            save(known.with(Order.State.PUSHED, "images already arrived by push"));
            LOG.infof("HL7 order %s completed; its images already arrived by push", acc);
            return false;
        }
        if (!canRetrieve) {
            save(known.with(Order.State.FAILED, "no PACS configured to retrieve from"));
            return false;
        }
        save(known.with(Order.State.RETRIEVING, "completed (ORC-5 " + p.status() + ")"));
        return true;
    }

    /** Accession numbers of the orders whose retrieval a previous run left unfinished. */
    List<String> retrieving() {
        return byAccession.values().stream()
                .filter(o -> o.state() == Order.State.RETRIEVING)
                .map(Order::accessionNumber)
                .toList();
    }

    /** False when a retrieval attempt is no longer due: the order moved on, or its images arrived by push meanwhile. */
    boolean stillToRetrieve(String acc) {
        Order o = byAccession.get(acc);
        if (o == null || o.state() != Order.State.RETRIEVING) {
            return false;
        }
        if (pushed.contains(acc)) {
            save(o.with(Order.State.PUSHED, "images arrived by push before retrieval"));
            return false;
        }
        return true;
    }

    void retrieved(String acc, int studies) {
        move(acc, Order.State.RETRIEVED, "moved " + studies + " study(ies) from the PACS");
        LOG.infof("HL7 order %s: retrieved %d study(ies) by accession number", acc, studies);
    }

    void retrying(String acc, String problem) {
        move(acc, Order.State.RETRIEVING, problem);
    }

    void failed(String acc, String problem) {
        move(acc, Order.State.FAILED, problem);
        LOG.warnf("HL7 order %s: retrieval failed: %s", acc, problem);
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

    private void move(String acc, Order.State state, String detail) {
        save(byAccession.get(acc).with(state, detail));
    }

    private void save(Order o) {
        store.save(o);
        byAccession.put(o.accessionNumber(), o);
    }
}
