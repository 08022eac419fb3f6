CREATE TABLE reports (
    id TEXT NOT NULL PRIMARY KEY,
    channel TEXT NOT NULL,
    client_id TEXT NULL,
    received_at TEXT NOT NULL,
    submitted_by_user_id TEXT NULL,
    submitted_by_organisation_id TEXT NULL,
    source_type TEXT NOT NULL,
    source_identity TEXT NULL,
    source TEXT NULL,
    structured INTEGER NOT NULL,
    occurred_on TEXT NULL,
    occurred_at TEXT NULL,
    time_precision INTEGER NOT NULL,
    latitude REAL NULL,
    longitude REAL NULL,
    geo_precision INTEGER NOT NULL,
    place_name TEXT NULL,
    event_type TEXT NULL,
    sub_event_type TEXT NULL,
    description TEXT NULL,
    alleged_parties TEXT NOT NULL,
    fatalities INTEGER NULL,
    raw_text TEXT NULL,
    governorate_code TEXT NULL,
    place TEXT NULL,
    incident_id TEXT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
-- A retry with the sender's own id is the same report, on every channel.
CREATE UNIQUE INDEX ux_reports_channel_client_id ON reports (channel, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX ix_reports_occurred_on ON reports (occurred_on);
CREATE INDEX ix_reports_incident ON reports (incident_id);
