CREATE TABLE agreements (
    id TEXT NOT NULL PRIMARY KEY,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NULL,
    simulated INTEGER NOT NULL,
    simulated_note TEXT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ix_agreements_code ON agreements (code);
CREATE TABLE parties (
    id TEXT NOT NULL PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    ordinal INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_parties_agreement_code ON parties (agreement_id, code);
CREATE TABLE plan_sources (
    id TEXT NOT NULL PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    ref TEXT NOT NULL,
    title TEXT NOT NULL,
    publisher TEXT NULL,
    published TEXT NULL,
    url TEXT NULL,
    ordinal INTEGER NOT NULL
);
CREATE INDEX ix_plan_sources_agreement ON plan_sources (agreement_id);
CREATE TABLE phases (
    id TEXT NOT NULL PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    starts_on TEXT NULL,
    ends_on TEXT NULL
);
CREATE INDEX ix_phases_agreement ON phases (agreement_id);
CREATE TABLE provisions (
    id TEXT NOT NULL PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    phase_id TEXT NOT NULL REFERENCES phases (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    source_quote TEXT NOT NULL,
    obliges TEXT NOT NULL,
    responsible TEXT NOT NULL,
    deadline TEXT NULL,
    duration_days INTEGER NOT NULL,
    status INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE UNIQUE INDEX ix_provisions_agreement_code ON provisions (agreement_id, code);
CREATE INDEX ix_provisions_phase ON provisions (phase_id);
CREATE TABLE status_changes (
    id TEXT NOT NULL PRIMARY KEY,
    provision_id TEXT NOT NULL REFERENCES provisions (id),
    ordinal INTEGER NOT NULL,
    from_status INTEGER NOT NULL,
    to_status INTEGER NOT NULL,
    effective_on TEXT NOT NULL,
    evidence TEXT NOT NULL,
    source_ref TEXT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_status_changes_provision ON status_changes (provision_id, ordinal);
CREATE TABLE deadline_amendments (
    id TEXT NOT NULL PRIMARY KEY,
    provision_id TEXT NOT NULL REFERENCES provisions (id),
    ordinal INTEGER NOT NULL,
    from_deadline TEXT NULL,
    to_deadline TEXT NOT NULL,
    amended_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX ix_deadline_amendments_provision ON deadline_amendments (provision_id, ordinal);
CREATE TABLE metrics (
    id TEXT NOT NULL PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    provision_id TEXT NOT NULL REFERENCES provisions (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    target REAL NULL,
    direction TEXT NOT NULL,
    source TEXT NULL,
    ordinal INTEGER NOT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE UNIQUE INDEX ix_metrics_provision_code ON metrics (provision_id, code);
CREATE INDEX ix_metrics_agreement ON metrics (agreement_id);
CREATE TABLE dependencies (
    id TEXT NOT NULL PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    dependent_id TEXT NOT NULL REFERENCES provisions (id),
    prerequisite_id TEXT NOT NULL REFERENCES provisions (id),
    required_status INTEGER NOT NULL,
    metric_id TEXT NULL REFERENCES metrics (id),
    threshold REAL NULL,
    note TEXT NULL,
    source_ref TEXT NULL,
    source_quote TEXT NULL,
    ordinal INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_dependencies_pair ON dependencies (dependent_id, prerequisite_id);
CREATE INDEX ix_dependencies_agreement ON dependencies (agreement_id);
CREATE TABLE observations (
    id TEXT NOT NULL PRIMARY KEY,
    metric_id TEXT NOT NULL REFERENCES metrics (id),
    provision_id TEXT NOT NULL REFERENCES provisions (id),
    ordinal INTEGER NOT NULL,
    observed_on TEXT NOT NULL,
    value REAL NOT NULL,
    source TEXT NULL,
    verification TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    classification TEXT NOT NULL,
    owner_organisation_id TEXT NULL,
    confidential_to TEXT NULL
);
CREATE INDEX ix_observations_metric ON observations (metric_id, observed_on);
