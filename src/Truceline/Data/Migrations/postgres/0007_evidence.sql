-- Evidence files, kept in the database so a file is committed with the report it came with. The SHA-256 is
-- computed at upload; it is shown, and chained into the audit trail, so a copy can be checked for alteration.
CREATE TABLE evidence (
    id uuid NOT NULL PRIMARY KEY,
    report_id uuid NULL REFERENCES reports (id),
    -- Incidents arrive in migration 0008, which adds the foreign key.
    incident_id uuid NULL,
    file_name text NOT NULL,
    content_type text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    content bytea NOT NULL,
    uploaded_at timestamp with time zone NOT NULL,
    uploaded_by_user_id uuid NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE INDEX ix_evidence_report ON evidence (report_id);
CREATE INDEX ix_evidence_incident ON evidence (incident_id);
