-- Evidence files, kept in the database so a file is committed with the report it came with. The SHA-256 is
-- computed at upload; it is shown, and chained into the audit trail, so a copy can be checked for alteration.
CREATE TABLE evidence (
    id TEXT NOT NULL PRIMARY KEY,
    report_id TEXT NULL REFERENCES reports (id),
    -- Incidents arrive in migration 0008, which adds the foreign key.
    incident_id TEXT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by_user_id TEXT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE INDEX ix_evidence_report ON evidence (report_id);
CREATE INDEX ix_evidence_incident ON evidence (incident_id);
