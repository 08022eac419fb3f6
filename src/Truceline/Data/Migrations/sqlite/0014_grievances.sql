-- Grievances (issue 6): complaints from civilians, their handling steps, and the deadlines per severity of an agreement.
-- text, contact and reply_to hold ciphertext (the personal-data key is not in the database); tracking_hash is the
-- SHA-256 of the complainant's code, never the code.
CREATE TABLE grievances (
    id TEXT NOT NULL PRIMARY KEY,
    tracking_hash TEXT NOT NULL,
    channel TEXT NOT NULL,
    language TEXT NOT NULL,
    category TEXT NOT NULL,
    sensitive INTEGER NOT NULL,
    severity TEXT NOT NULL,
    state TEXT NOT NULL,
    governorate_code TEXT NULL,
    agreement_id TEXT NULL REFERENCES agreements (id),
    provision_code TEXT NULL,
    incident_id TEXT NULL REFERENCES incidents (id),
    text TEXT NOT NULL,
    contact TEXT NULL,
    reply_to TEXT NULL,
    message_key TEXT NULL,
    received_at TEXT NOT NULL,
    acknowledge_by TEXT NOT NULL,
    respond_by TEXT NOT NULL,
    acknowledged_at TEXT NULL,
    responded_at TEXT NULL,
    closed_at TEXT NULL,
    escalated_at TEXT NULL,
    response TEXT NULL,
    satisfied INTEGER NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    handling_organisation_id TEXT NOT NULL REFERENCES organisations (id),
    confidential_to TEXT NULL
);
CREATE UNIQUE INDEX ix_grievances_tracking ON grievances (tracking_hash);
CREATE UNIQUE INDEX ix_grievances_message ON grievances (message_key);
CREATE INDEX ix_grievances_handling ON grievances (handling_organisation_id, state, received_at);
CREATE INDEX ix_grievances_due ON grievances (state, respond_by);
CREATE TABLE grievance_events (
    id TEXT NOT NULL PRIMARY KEY,
    grievance_id TEXT NOT NULL REFERENCES grievances (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    by_user_id TEXT NULL,
    from_organisation_id TEXT NULL,
    to_organisation_id TEXT NULL,
    note TEXT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE INDEX ix_grievance_events_grievance ON grievance_events (grievance_id, at);
CREATE TABLE grievance_deadlines (
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    severity TEXT NOT NULL,
    acknowledge_hours INTEGER NOT NULL,
    respond_hours INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, severity)
);
