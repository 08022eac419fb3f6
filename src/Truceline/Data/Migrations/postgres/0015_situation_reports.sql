-- Situation reports (issue 5): the centre's narrative for a period, citing the log entries behind its figures. A
-- published report is a record of the transparency log; corrections and withdrawal are new leaves (ADR-015).
CREATE TABLE situation_reports (
    id uuid NOT NULL PRIMARY KEY,
    agreement_id uuid NOT NULL REFERENCES agreements (id),
    title text NOT NULL,
    period_from date NOT NULL,
    period_to date NOT NULL,
    language text NOT NULL,
    text text NOT NULL,
    citations text NOT NULL,
    state text NOT NULL,
    version integer NOT NULL,
    correction_note text NULL,
    withdrawal_reason text NULL,
    published_at timestamp with time zone NULL,
    created_by text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE INDEX ix_situation_reports_agreement ON situation_reports (agreement_id, period_to);
