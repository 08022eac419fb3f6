ALTER TABLE agreements ADD COLUMN verification_quorum INTEGER NOT NULL DEFAULT 2;
-- A keyed hash of a source's identity (HMAC under the personal-data key): equal sources compare equal, the identity stays unreadable.
ALTER TABLE reports ADD COLUMN source_fingerprint TEXT NULL;
CREATE TABLE incidents (
    id TEXT NOT NULL PRIMARY KEY,
    agreement_id TEXT NULL REFERENCES agreements (id),
    state TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    geo_precision INTEGER NOT NULL,
    governorate_code TEXT NULL,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NULL,
    alleged_parties TEXT NOT NULL,
    report_count INTEGER NOT NULL,
    source_count INTEGER NOT NULL,
    confidence TEXT NOT NULL,
    confidence_reasons TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE INDEX ix_incidents_occurred_on ON incidents (occurred_on);
CREATE TABLE incident_transitions (
    id TEXT NOT NULL PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_incident_transitions_incident ON incident_transitions (incident_id);
CREATE TABLE findings (
    id TEXT NOT NULL PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    verifier_user_id TEXT NOT NULL,
    verifier_organisation_id TEXT NOT NULL,
    verifier_name TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    violation TEXT NOT NULL,
    provisions TEXT NOT NULL,
    responsible_party TEXT NOT NULL,
    dissent TEXT NULL,
    signed_at TEXT NOT NULL
);
-- A verifier cannot count twice.
CREATE UNIQUE INDEX ux_findings_incident_verifier ON findings (incident_id, verifier_user_id);
CREATE TABLE replies (
    id TEXT NOT NULL PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    party_code TEXT NOT NULL,
    author_user_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE INDEX ix_replies_incident ON replies (incident_id);
