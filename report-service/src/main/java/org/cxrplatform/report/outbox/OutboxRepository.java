package org.cxrplatform.report.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cxrplatform.report.Where;
import org.jboss.logging.Logger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/** Access to the {@code outbox} table; joins the caller's transaction. */
@ApplicationScoped
public class OutboxRepository {

    private static final Logger LOG = Logger.getLogger(OutboxRepository.class);

    /**
     * The first key of the two-key advisory locks that stand for outbox lines (the second is the
     * order key's hash), so they never meet another user's advisory locks (Flyway's are one-key).
     */
    private static final int LINE_LOCKS = 0x4F42_584C;

    /** Named as {@link OutboxEntry}'s components (snake case). */
    private static final String COLUMNS =
            "id, kind, destination, order_key, report_pk, alert_id, summary, message_id, payload, status,"
                    + " attempts, next_attempt_at, last_error, created_at, delivered_at";

    private static final RowMapper<OutboxEntry> ENTRY = ConstructorMapper.of(OutboxEntry.class);

    @Inject
    Jdbi jdbi;

    @Inject
    Event<UrgentEntryQueued> urgentQueued;

    /**
     * Queues {@code message} as PENDING, due now, holding its line until this transaction ends
     * ({@link #lockLines}); an urgent one wakes the worker once this transaction commits.
     */
    public long insert(OutboxMessage message) {
        lockLines(List.of(message.orderKey()));
        long id = jdbi.withHandle(
                h -> h.createQuery("INSERT INTO outbox (kind, destination, order_key, urgent, report_pk, alert_id,"
                                + " summary, message_id, payload, status) VALUES (:kind, :destination, :orderKey, :urgent, :reportPk, :alertId,"
                                + " :summary, :messageId, :payload, 'PENDING') RETURNING id")
                        .bindMethods(message)
                        .mapTo(Long.class)
                        .one());
        if (message.urgent()) {
            urgentQueued.fire(new UrgentEntryQueued(message.destination()));
        }
        return id;
    }

    /**
     * Holds the lines of {@code orderKeys} (across destinations) until this transaction ends. A line
     * is sent in id order, but an id is drawn when its row is inserted, not when it commits: two
     * transactions queueing into one line at once (two replicas storing one patient's reports)
     * could commit the later id first, and a sender would send it while the earlier entry was not
     * yet visible to it. Holding the line from before the id is drawn until the commit makes a
     * line's id order its commit order. A line's lock is on its key's hash, so several lines are
     * taken in the order of those hashes (one lock for keys sharing a hash): every transaction then
     * takes them in one order and none deadlocks on them (the keys' own order would not do: two
     * keys' hashes can sort the other way round). A line this transaction holds is taken again
     * without waiting. A transaction that has to wait is logged: it is the race this lock closes.
     */
    public void lockLines(Collection<String> orderKeys) {
        jdbi.useHandle(h -> {
            Set<String> distinct = new HashSet<>(orderKeys);
            List<String> inLockOrder = distinct.size() < 2
                    ? List.copyOf(distinct)
                    : h.createQuery("SELECT min(k) FROM unnest(:keys) AS k GROUP BY hashtext(k) ORDER BY hashtext(k)")
                            .bindArray("keys", String.class, distinct)
                            .mapTo(String.class)
                            .list();
            for (String key : inLockOrder) {
                boolean free = h.createQuery("SELECT pg_try_advisory_xact_lock(:space, hashtext(:key))")
                        .bind("space", LINE_LOCKS)
                        .bind("key", key)
                        .mapTo(Boolean.class)
                        .one();
                if (!free) {
                    LOG.infof("outbox line %s is being queued by another transaction: waiting for it to end", key);
                    h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:space, hashtext(:key))) AS line")
                            .bind("space", LINE_LOCKS)
                            .bind("key", key)
                            .mapTo(Integer.class)
                            .one();
                }
            }
        });
    }

    /** Destinations with at least one entry due now. */
    public List<String> dueDestinations() {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT destination FROM outbox WHERE status = 'PENDING'"
                        + " AND next_attempt_at <= now()")
                .mapTo(String.class)
                .list());
    }

    /**
     * Entry {@code o} may be sent now: pending, due, and first in line of its order key (an earlier
     * pending or parked message of the same destination and line blocks later ones).
     */
    private static final String DUE_HEAD = "o.status = 'PENDING' AND o.next_attempt_at <= now()"
            + " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.destination = o.destination AND p.order_key = o.order_key"
            + " AND p.id < o.id AND p.status <> 'DELIVERED')";

    /**
     * Ids of one destination's entries that may be sent now ({@link #DUE_HEAD}). Urgent heads come
     * first across patients: critical-alert webhooks and messages of STAT or triage-priority-1
     * reports, then the rest, each oldest first. Within one order key the order stays strictly by id
     * (only a line's head is ever returned).
     */
    public List<Long> dueHeads(String destination, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT o.id FROM outbox o WHERE o.destination = :destination AND "
                        + DUE_HEAD + " ORDER BY o.urgent DESC, o.id LIMIT :limit")
                .bind("destination", destination)
                .bind("limit", limit)
                .mapTo(Long.class)
                .list());
    }

    /**
     * Whether an urgent entry of the destination may be sent now that is not among {@code known}
     * (the batch the sender is working through): one that was committed, or whose backoff ended,
     * after the batch was read. An index probe on the few pending urgent entries.
     */
    public boolean urgentHeadWaiting(String destination, List<Long> known) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM outbox o WHERE o.destination = :destination"
                                + " AND o.urgent AND " + DUE_HEAD + " AND o.id <> ALL (:known))")
                        .bind("destination", destination)
                        .bindArray("known", Long.class, known)
                        .mapTo(Boolean.class)
                        .one());
    }

    /**
     * Locks one entry for sending if it is still due and still the head of its line, skipping it when
     * another sender (this replica's or another's) holds it. The head check is repeated here because
     * the sender's list of heads was read earlier and may be stale by now.
     */
    public Optional<OutboxEntry> lockDue(long id) {
        return one(
                "SELECT " + COLUMNS + " FROM outbox o WHERE o.id = :id AND " + DUE_HEAD + " FOR UPDATE SKIP LOCKED",
                id);
    }

    /** The newest entry of a kind for a report (any status). */
    public Optional<OutboxEntry> latest(String kind, long reportPk) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
                        + " FROM outbox WHERE kind = :kind AND report_pk = :reportPk" + " ORDER BY id DESC LIMIT 1")
                .bind("kind", kind)
                .bind("reportPk", reportPk)
                .map(ENTRY)
                .findOne());
    }

    public Optional<OutboxEntry> find(long id) {
        return one("SELECT " + COLUMNS + " FROM outbox WHERE id = :id", id);
    }

    public void markDelivered(long id, String note) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE outbox SET status = 'DELIVERED', attempts = attempts + 1, delivered_at = now(),"
                                + " last_error = :note WHERE id = :id")
                .bind("note", note)
                .bind("id", id)
                .execute());
    }

    public void markFailed(long id, String error, Instant nextAttempt, boolean park) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE outbox SET attempts = attempts + 1, last_error = :error, next_attempt_at = :nextAttempt,"
                                + " status = :status WHERE id = :id")
                .bind("error", error)
                .bind("nextAttempt", nextAttempt)
                .bind("status", park ? OutboxEntry.PARKED : OutboxEntry.PENDING)
                .bind("id", id)
                .execute());
    }

    /** Puts a parked entry back in line with a fresh attempt budget. */
    public boolean requeue(long id) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE outbox SET status = 'PENDING', attempts = 0, next_attempt_at = now()"
                                        + " WHERE id = :id AND status = 'PARKED'")
                        .bind("id", id)
                        .execute())
                == 1;
    }

    /** Entries oldest first, each filter optional (null). */
    public List<OutboxEntry> list(String status, String kind, String destination, Long reportPk, int limit) {
        Where where = new Where()
                .equal("destination", destination)
                .equal("status", status)
                .equal("kind", kind)
                .equal("report_pk", reportPk);
        return jdbi.withHandle(
                h -> h.createQuery("SELECT " + COLUMNS + " FROM outbox" + where + " ORDER BY id LIMIT :limit")
                        .bindMap(where.args())
                        .bind("limit", limit)
                        .map(ENTRY)
                        .list());
    }

    /** Deletes delivered entries delivered before {@code before}; returns how many. */
    public int purgeDelivered(Instant before) {
        return jdbi.withHandle(
                h -> h.createUpdate("DELETE FROM outbox WHERE status = 'DELIVERED' AND delivered_at < :before")
                        .bind("before", before)
                        .execute());
    }

    /** How many entries there are, each filter optional (null). */
    public long count(String status, String kind) {
        Where where = new Where().equal("status", status).equal("kind", kind);
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM outbox" + where)
                .bindMap(where.args())
                .mapTo(Long.class)
                .one());
    }

    private Optional<OutboxEntry> one(String sql, long id) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind("id", id).map(ENTRY).findOne());
    }
}
