CREATE TABLE reports (
    id uuid NOT NULL PRIMARY KEY,
    channel text NOT NULL,
    client_id text NULL,
    received_at timestamp with time zone NOT NULL,
    submitted_by_user_id uuid NULL,
    submitted_by_organisation_id uuid NULL,
    source_type text NOT NULL,
    source_identity text NULL,
    source text NULL,
    structured boolean NOT NULL,
    occurred_on date NULL,
    occurred_at timestamp with time zone NULL,
    time_precision integer NOT NULL,
    latitude double precision NULL,
    longitude double precision NULL,
    geo_precision integer NOT NULL,
    place_name text NULL,
    event_type text NULL,
    sub_event_type text NULL,
    description text NULL,
    alleged_parties text NOT NULL,
    fatalities integer NULL,
    raw_text text NULL,
    governorate_code text NULL,
    place text NULL,
    incident_id uuid NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
-- A retry with the sender's own id is the same report, on every channel.
CREATE UNIQUE INDEX ux_reports_channel_client_id ON reports (channel, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX ix_reports_occurred_on ON reports (occurred_on);
CREATE INDEX ix_reports_incident ON reports (incident_id);
