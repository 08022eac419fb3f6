-- Situation reports (issue 5): the centre's narrative for a period, citing the log entries behind its figures. A
-- published report is a record of the transparency log; corrections and withdrawal are new leaves (ADR-015).
CREATE TABLE situation_reports (
    id TEXT NOT NULL PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    title TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    citations TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    correction_note TEXT NULL,
    withdrawal_reason TEXT NULL,
    published_at TEXT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE INDEX ix_situation_reports_agreement ON situation_reports (agreement_id, period_to);
