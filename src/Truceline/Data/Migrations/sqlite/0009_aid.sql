-- Humanitarian access: consignments through crossings, their stages, distributions, population, impediments.
ALTER TABLE metrics ADD COLUMN feed TEXT NULL;
CREATE TABLE aid_imports (
    id TEXT NOT NULL PRIMARY KEY,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    layout TEXT NOT NULL,
    imported INTEGER NOT NULL,
    already_present INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE TABLE consignments (
    id TEXT NOT NULL PRIMARY KEY,
    reference TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    crossing TEXT NOT NULL,
    crossing_zone_id TEXT NULL,
    destination_governorate TEXT NULL,
    recipient TEXT NULL,
    donor TEXT NULL,
    category TEXT NOT NULL,
    trucks REAL NOT NULL,
    tonnes REAL NULL,
    pallets REAL NULL,
    stage TEXT NOT NULL,
    stage_at TEXT NOT NULL,
    reason TEXT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    import_id TEXT NULL REFERENCES aid_imports (id),
    simulated INTEGER NOT NULL,
    agreement_id TEXT NULL REFERENCES agreements (id),
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
-- Idempotent on the organisation's own reference.
CREATE UNIQUE INDEX ux_consignments_owner_reference ON consignments (owner_organisation_id, reference);
CREATE INDEX ix_consignments_stage_at ON consignments (stage_at);
CREATE TABLE consignment_lines (
    id TEXT NOT NULL PRIMARY KEY,
    consignment_id TEXT NOT NULL REFERENCES consignments (id),
    ordinal INTEGER NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    quantity REAL NULL,
    unit TEXT NULL,
    pallets REAL NULL,
    tonnes REAL NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE INDEX ix_consignment_lines_consignment ON consignment_lines (consignment_id);
CREATE TABLE consignment_events (
    id TEXT NOT NULL PRIMARY KEY,
    consignment_id TEXT NOT NULL REFERENCES consignments (id),
    from_stage TEXT NULL,
    stage TEXT NOT NULL,
    at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT NULL,
    seconds_in_previous INTEGER NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE INDEX ix_consignment_events_consignment ON consignment_events (consignment_id);
-- Rollups: public aggregates kept in step with every stage change (see AidRollup).
CREATE TABLE aid_daily (
    day TEXT NOT NULL,
    crossing TEXT NOT NULL,
    category TEXT NOT NULL,
    stage TEXT NOT NULL,
    from_stage TEXT NOT NULL,
    consignments INTEGER NOT NULL,
    trucks REAL NOT NULL,
    tonnes REAL NOT NULL,
    PRIMARY KEY (day, crossing, category, stage, from_stage)
);
CREATE TABLE aid_stage_times (
    day TEXT NOT NULL,
    stage TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    consignments INTEGER NOT NULL,
    PRIMARY KEY (day, stage, bucket)
);
CREATE TABLE distributions (
    id TEXT NOT NULL PRIMARY KEY,
    day TEXT NOT NULL,
    governorate TEXT NOT NULL,
    category TEXT NOT NULL,
    quantity REAL NOT NULL,
    unit TEXT NOT NULL,
    tonnes REAL NULL,
    people_reached INTEGER NOT NULL,
    consignment_id TEXT NULL REFERENCES consignments (id),
    organisation_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    simulated INTEGER NOT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE INDEX ix_distributions_day ON distributions (day);
CREATE TABLE governorate_figures (
    id TEXT NOT NULL PRIMARY KEY,
    governorate TEXT NOT NULL,
    population INTEGER NOT NULL,
    people_in_need INTEGER NOT NULL,
    as_of TEXT NOT NULL,
    source TEXT NOT NULL,
    simulated INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_governorate_figures ON governorate_figures (governorate, as_of);
CREATE TABLE impediments (
    id TEXT NOT NULL PRIMARY KEY,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    crossing TEXT NULL,
    governorate TEXT NULL,
    latitude REAL NULL,
    longitude REAL NULL,
    consignment_id TEXT NULL REFERENCES consignments (id),
    description TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    simulated INTEGER NOT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE INDEX ix_impediments_day ON impediments (day);
