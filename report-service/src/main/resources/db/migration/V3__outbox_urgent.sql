-- Urgent entries (critical-alert webhooks, messages of STAT or triage-priority-1 reports) are sent
-- first across lines. The flag is set when the entry is queued, so the sender can check after every
-- send, with one index probe, whether an urgent entry became due while it worked through a batch.
ALTER TABLE outbox ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT false;
UPDATE outbox o SET urgent = true
 WHERE o.alert_id IS NOT NULL
    OR EXISTS (SELECT 1 FROM report r WHERE r.id = o.report_pk AND (r.lane = 'STAT' OR r.triage_priority = 1));
CREATE INDEX outbox_urgent ON outbox (destination, id) WHERE urgent AND status = 'PENDING';
