-- Humanitarian access: consignments through crossings, their stages, distributions, population, impediments.
ALTER TABLE metrics ADD COLUMN feed text NULL;
CREATE TABLE aid_imports (
    id uuid NOT NULL PRIMARY KEY,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    layout text NOT NULL,
    imported integer NOT NULL,
    already_present integer NOT NULL,
    imported_at timestamp with time zone NOT NULL,
    imported_by text NOT NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE TABLE consignments (
    id uuid NOT NULL PRIMARY KEY,
    reference text NOT NULL,
    organisation_name text NOT NULL,
    crossing text NOT NULL,
    crossing_zone_id uuid NULL,
    destination_governorate text NULL,
    recipient text NULL,
    donor text NULL,
    category text NOT NULL,
    trucks double precision NOT NULL,
    tonnes double precision NULL,
    pallets double precision NULL,
    stage text NOT NULL,
    stage_at timestamp with time zone NOT NULL,
    reason text NULL,
    created_at timestamp with time zone NOT NULL,
    created_by text NOT NULL,
    import_id uuid NULL REFERENCES aid_imports (id),
    simulated boolean NOT NULL,
    agreement_id uuid NULL REFERENCES agreements (id),
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
-- Idempotent on the organisation's own reference.
CREATE UNIQUE INDEX ux_consignments_owner_reference ON consignments (owner_organisation_id, reference);
CREATE INDEX ix_consignments_stage_at ON consignments (stage_at);
CREATE TABLE consignment_lines (
    id uuid NOT NULL PRIMARY KEY,
    consignment_id uuid NOT NULL REFERENCES consignments (id),
    ordinal integer NOT NULL,
    category text NOT NULL,
    description text NOT NULL,
    quantity double precision NULL,
    unit text NULL,
    pallets double precision NULL,
    tonnes double precision NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE INDEX ix_consignment_lines_consignment ON consignment_lines (consignment_id);
CREATE TABLE consignment_events (
    id uuid NOT NULL PRIMARY KEY,
    consignment_id uuid NOT NULL REFERENCES consignments (id),
    from_stage text NULL,
    stage text NOT NULL,
    at timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    recorded_by text NOT NULL,
    reason text NULL,
    seconds_in_previous bigint NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE INDEX ix_consignment_events_consignment ON consignment_events (consignment_id);
-- Rollups: public aggregates kept in step with every stage change (see AidRollup).
CREATE TABLE aid_daily (
    day date NOT NULL,
    crossing text NOT NULL,
    category text NOT NULL,
    stage text NOT NULL,
    from_stage text NOT NULL,
    consignments bigint NOT NULL,
    trucks double precision NOT NULL,
    tonnes double precision NOT NULL,
    PRIMARY KEY (day, crossing, category, stage, from_stage)
);
CREATE TABLE aid_stage_times (
    day date NOT NULL,
    stage text NOT NULL,
    bucket integer NOT NULL,
    consignments bigint NOT NULL,
    PRIMARY KEY (day, stage, bucket)
);
CREATE TABLE distributions (
    id uuid NOT NULL PRIMARY KEY,
    day date NOT NULL,
    governorate text NOT NULL,
    category text NOT NULL,
    quantity double precision NOT NULL,
    unit text NOT NULL,
    tonnes double precision NULL,
    people_reached integer NOT NULL,
    consignment_id uuid NULL REFERENCES consignments (id),
    organisation_name text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by text NOT NULL,
    simulated boolean NOT NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE INDEX ix_distributions_day ON distributions (day);
CREATE TABLE governorate_figures (
    id uuid NOT NULL PRIMARY KEY,
    governorate text NOT NULL,
    population bigint NOT NULL,
    people_in_need bigint NOT NULL,
    as_of date NOT NULL,
    source text NOT NULL,
    simulated boolean NOT NULL
);
CREATE UNIQUE INDEX ux_governorate_figures ON governorate_figures (governorate, as_of);
CREATE TABLE impediments (
    id uuid NOT NULL PRIMARY KEY,
    day date NOT NULL,
    kind text NOT NULL,
    reason text NOT NULL,
    crossing text NULL,
    governorate text NULL,
    latitude double precision NULL,
    longitude double precision NULL,
    consignment_id uuid NULL REFERENCES consignments (id),
    description text NOT NULL,
    organisation_name text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by text NOT NULL,
    simulated boolean NOT NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE INDEX ix_impediments_day ON impediments (day);
