CREATE TABLE zones (
    id uuid NOT NULL PRIMARY KEY,
    code text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    geometry bytea NOT NULL,
    valid_from date NULL,
    valid_to date NULL,
    source text NOT NULL,
    approximation text NULL,
    left_side text NULL,
    right_side text NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL,
    created_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_zones_code ON zones (code);
