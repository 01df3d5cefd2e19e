-- The rendered study image (8-bit greyscale PNG from the StudyEvent), for the worklist only.
-- Bounded: deleted once the report of that image is signed + cxr.report.images.retention, and
-- any image after cxr.report.images.max-age (studies that never got a report).
CREATE TABLE study_image (
    sop_instance_uid   TEXT PRIMARY KEY,
    study_instance_uid TEXT        NOT NULL,
    png                BYTEA       NOT NULL,
    width              INT         NOT NULL,
    height             INT         NOT NULL,
    sha256             TEXT,
    received_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX study_image_received ON study_image (received_at);
