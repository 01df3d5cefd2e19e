-- The source study's and order's facts (contracts SourceStudy, ReportEvent v3): the image read, the
-- General Study values and the order identifiers the ORU, the SR and FHIR are filed with. NULL for
-- reports of events before v3 (the messages then fall back as docs/hl7-interface.md says).
ALTER TABLE report ADD COLUMN source JSONB;

-- How many times a radiologist signed the report (accepted, or edited and signed). The first
-- signature is sent as final (OBR-25 F, FHIR final), later ones as corrections (C, corrected): a
-- correction always follows a final. Rows signed before this column existed count one signature.
ALTER TABLE report ADD COLUMN signatures INT NOT NULL DEFAULT 0;
UPDATE report SET signatures = 1 WHERE status IN ('ACCEPTED', 'EDITED');
