-- Grievances (issue 6): complaints from civilians, their handling steps, and the deadlines per severity of an agreement.
-- text, contact and reply_to hold ciphertext (the personal-data key is not in the database); tracking_hash is the
-- SHA-256 of the complainant's code, never the code.
CREATE TABLE grievances (
    id uuid NOT NULL PRIMARY KEY,
    tracking_hash text NOT NULL,
    channel text NOT NULL,
    language text NOT NULL,
    category text NOT NULL,
    sensitive boolean NOT NULL,
    severity text NOT NULL,
    state text NOT NULL,
    governorate_code text NULL,
    agreement_id uuid NULL REFERENCES agreements (id),
    provision_code text NULL,
    incident_id uuid NULL REFERENCES incidents (id),
    text text NOT NULL,
    contact text NULL,
    reply_to text NULL,
    message_key text NULL,
    received_at timestamp with time zone NOT NULL,
    acknowledge_by timestamp with time zone NOT NULL,
    respond_by timestamp with time zone NOT NULL,
    acknowledged_at timestamp with time zone NULL,
    responded_at timestamp with time zone NULL,
    closed_at timestamp with time zone NULL,
    escalated_at timestamp with time zone NULL,
    response text NULL,
    satisfied boolean NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    handling_organisation_id uuid NOT NULL REFERENCES organisations (id),
    confidential_to text NULL
);
CREATE UNIQUE INDEX ix_grievances_tracking ON grievances (tracking_hash);
CREATE UNIQUE INDEX ix_grievances_message ON grievances (message_key);
CREATE INDEX ix_grievances_handling ON grievances (handling_organisation_id, state, received_at);
CREATE INDEX ix_grievances_due ON grievances (state, respond_by);
CREATE TABLE grievance_events (
    id uuid NOT NULL PRIMARY KEY,
    grievance_id uuid NOT NULL REFERENCES grievances (id),
    at timestamp with time zone NOT NULL,
    kind text NOT NULL,
    by_user_id uuid NULL,
    from_organisation_id uuid NULL,
    to_organisation_id uuid NULL,
    note text NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE INDEX ix_grievance_events_grievance ON grievance_events (grievance_id, at);
CREATE TABLE grievance_deadlines (
    agreement_id uuid NOT NULL REFERENCES agreements (id),
    severity text NOT NULL,
    acknowledge_hours integer NOT NULL,
    respond_hours integer NOT NULL,
    PRIMARY KEY (agreement_id, severity)
);
