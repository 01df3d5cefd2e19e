-- One AI report per study and model version: the idempotency key of the whole service.
CREATE TABLE report (
    id                 BIGSERIAL PRIMARY KEY,
    report_id          TEXT        NOT NULL UNIQUE,          -- ReportEvent.reportId (deterministic)
    study_instance_uid TEXT        NOT NULL,
    sop_instance_uid   TEXT,
    accession_number   TEXT,
    model_version      TEXT        NOT NULL,                 -- ModelIdentity.version()
    model              JSONB       NOT NULL,                 -- full ModelIdentity
    lane               TEXT        NOT NULL,
    triage_priority    INT         NOT NULL,
    ai_text            TEXT        NOT NULL,                 -- the draft as generated, never changed
    ai_findings        JSONB       NOT NULL,
    text               TEXT        NOT NULL,                 -- current text (edited by the radiologist)
    findings           JSONB       NOT NULL,
    status             TEXT        NOT NULL CHECK (status IN ('DRAFT', 'ACCEPTED', 'EDITED', 'REJECTED')),
    patient            JSONB,
    timings            JSONB,
    order_key          TEXT        NOT NULL,                 -- patient (or accession) key that orders RIS deliveries
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    reviewed_by        TEXT,
    reviewed_at        TIMESTAMPTZ,
    CONSTRAINT report_study_model UNIQUE (study_instance_uid, model_version)
);
CREATE INDEX report_worklist ON report (status, triage_priority, lane, created_at);

-- Every status change, append-only.
CREATE TABLE report_status_history (
    id          BIGSERIAL PRIMARY KEY,
    report_pk   BIGINT      NOT NULL REFERENCES report (id),
    from_status TEXT,
    to_status   TEXT        NOT NULL,
    actor       TEXT        NOT NULL,
    note        TEXT,
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX report_status_history_report ON report_status_history (report_pk, id);

-- Transactional outbox: written in the same transaction as the report change it announces.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT        NOT NULL CHECK (kind IN ('HL7', 'DICOM_SR', 'FHIR', 'WEBHOOK')),
    destination     TEXT        NOT NULL,                    -- e.g. RIS:127.0.0.1:2575, PACS, FHIR, WEBHOOK
    order_key       TEXT        NOT NULL,                    -- messages with the same destination+key go out in id order
    report_pk       BIGINT REFERENCES report (id),
    alert_id        TEXT,
    summary         TEXT        NOT NULL,                    -- e.g. "ORU^R01 F" for operators
    message_id      TEXT,                                    -- MSH-10 / SOP Instance UID
    payload         BYTEA       NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'PARKED')),
    attempts        INT         NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at    TIMESTAMPTZ
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at) WHERE status <> 'DELIVERED';
CREATE INDEX outbox_order ON outbox (destination, order_key, id) WHERE status <> 'DELIVERED';

CREATE SEQUENCE hl7_control_id_seq;

-- Critical alerts from cxr.alerts, with acknowledgement.
CREATE TABLE critical_alert (
    alert_id           TEXT PRIMARY KEY,
    report_id          TEXT,
    study_instance_uid TEXT        NOT NULL,
    accession_number   TEXT,
    lane               TEXT,
    finding            TEXT        NOT NULL,
    state              TEXT,
    excerpt            TEXT,
    model_version      TEXT,
    raised_at          TIMESTAMPTZ,
    received_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    acknowledged_by    TEXT,
    acknowledged_at    TIMESTAMPTZ
);

-- Who viewed, edited, signed, re-sent what and when. Append-only, enforced below.
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor       TEXT        NOT NULL,
    action      TEXT        NOT NULL,
    target_type TEXT        NOT NULL,
    target_id   TEXT        NOT NULL,
    detail      TEXT
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER report_status_history_append_only BEFORE UPDATE OR DELETE ON report_status_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER report_status_history_no_truncate BEFORE TRUNCATE ON report_status_history
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
