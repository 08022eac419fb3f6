ALTER TABLE agreements ADD COLUMN verification_quorum integer NOT NULL DEFAULT 2;
-- A keyed hash of a source's identity (HMAC under the personal-data key): equal sources compare equal, the identity stays unreadable.
ALTER TABLE reports ADD COLUMN source_fingerprint text NULL;
CREATE TABLE incidents (
    id uuid NOT NULL PRIMARY KEY,
    agreement_id uuid NULL REFERENCES agreements (id),
    state text NOT NULL,
    occurred_on date NOT NULL,
    latitude double precision NOT NULL,
    longitude double precision NOT NULL,
    geo_precision integer NOT NULL,
    governorate_code text NULL,
    event_type text NOT NULL,
    sub_event_type text NULL,
    alleged_parties text NOT NULL,
    report_count integer NOT NULL,
    source_count integer NOT NULL,
    confidence text NOT NULL,
    confidence_reasons text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE INDEX ix_incidents_occurred_on ON incidents (occurred_on);
CREATE TABLE incident_transitions (
    id uuid NOT NULL PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    from_state text NOT NULL,
    to_state text NOT NULL,
    reason text NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_incident_transitions_incident ON incident_transitions (incident_id);
CREATE TABLE findings (
    id uuid NOT NULL PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    verifier_user_id uuid NOT NULL,
    verifier_organisation_id uuid NOT NULL,
    verifier_name text NOT NULL,
    conclusion text NOT NULL,
    violation text NOT NULL,
    provisions text NOT NULL,
    responsible_party text NOT NULL,
    dissent text NULL,
    signed_at timestamp with time zone NOT NULL
);
-- A verifier cannot count twice.
CREATE UNIQUE INDEX ux_findings_incident_verifier ON findings (incident_id, verifier_user_id);
CREATE TABLE replies (
    id uuid NOT NULL PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    party_code text NOT NULL,
    author_user_id uuid NOT NULL,
    text text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE INDEX ix_replies_incident ON replies (incident_id);
