CREATE TABLE agreements (
    id uuid NOT NULL PRIMARY KEY,
    code text NOT NULL,
    title text NOT NULL,
    description text NULL,
    simulated boolean NOT NULL,
    simulated_note text NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL,
    created_at timestamp with time zone NOT NULL
);
CREATE UNIQUE INDEX ix_agreements_code ON agreements (code);
CREATE TABLE parties (
    id uuid NOT NULL PRIMARY KEY,
    agreement_id uuid NOT NULL REFERENCES agreements (id),
    code text NOT NULL,
    name text NOT NULL,
    ordinal integer NOT NULL
);
CREATE UNIQUE INDEX ix_parties_agreement_code ON parties (agreement_id, code);
CREATE TABLE plan_sources (
    id uuid NOT NULL PRIMARY KEY,
    agreement_id uuid NOT NULL REFERENCES agreements (id),
    ref text NOT NULL,
    title text NOT NULL,
    publisher text NULL,
    published date NULL,
    url text NULL,
    ordinal integer NOT NULL
);
CREATE INDEX ix_plan_sources_agreement ON plan_sources (agreement_id);
CREATE TABLE phases (
    id uuid NOT NULL PRIMARY KEY,
    agreement_id uuid NOT NULL REFERENCES agreements (id),
    code text NOT NULL,
    title text NOT NULL,
    ordinal integer NOT NULL,
    starts_on date NULL,
    ends_on date NULL
);
CREATE INDEX ix_phases_agreement ON phases (agreement_id);
CREATE TABLE provisions (
    id uuid NOT NULL PRIMARY KEY,
    agreement_id uuid NOT NULL REFERENCES agreements (id),
    phase_id uuid NOT NULL REFERENCES phases (id),
    code text NOT NULL,
    title text NOT NULL,
    text text NOT NULL,
    source_ref text NOT NULL,
    source_quote text NOT NULL,
    obliges text NOT NULL,
    responsible text NOT NULL,
    deadline date NULL,
    duration_days integer NOT NULL,
    status integer NOT NULL,
    ordinal integer NOT NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE UNIQUE INDEX ix_provisions_agreement_code ON provisions (agreement_id, code);
CREATE INDEX ix_provisions_phase ON provisions (phase_id);
CREATE TABLE status_changes (
    id uuid NOT NULL PRIMARY KEY,
    provision_id uuid NOT NULL REFERENCES provisions (id),
    ordinal integer NOT NULL,
    from_status integer NOT NULL,
    to_status integer NOT NULL,
    effective_on date NOT NULL,
    evidence text NOT NULL,
    source_ref text NULL,
    recorded_by text NOT NULL,
    recorded_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_status_changes_provision ON status_changes (provision_id, ordinal);
CREATE TABLE deadline_amendments (
    id uuid NOT NULL PRIMARY KEY,
    provision_id uuid NOT NULL REFERENCES provisions (id),
    ordinal integer NOT NULL,
    from_deadline date NULL,
    to_deadline date NOT NULL,
    amended_on date NOT NULL,
    reason text NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamp with time zone NOT NULL
);
CREATE INDEX ix_deadline_amendments_provision ON deadline_amendments (provision_id, ordinal);
CREATE TABLE metrics (
    id uuid NOT NULL PRIMARY KEY,
    agreement_id uuid NOT NULL REFERENCES agreements (id),
    provision_id uuid NOT NULL REFERENCES provisions (id),
    code text NOT NULL,
    name text NOT NULL,
    unit text NOT NULL,
    target double precision NULL,
    direction text NOT NULL,
    source text NULL,
    ordinal integer NOT NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE UNIQUE INDEX ix_metrics_provision_code ON metrics (provision_id, code);
CREATE INDEX ix_metrics_agreement ON metrics (agreement_id);
CREATE TABLE dependencies (
    id uuid NOT NULL PRIMARY KEY,
    agreement_id uuid NOT NULL REFERENCES agreements (id),
    dependent_id uuid NOT NULL REFERENCES provisions (id),
    prerequisite_id uuid NOT NULL REFERENCES provisions (id),
    required_status integer NOT NULL,
    metric_id uuid NULL REFERENCES metrics (id),
    threshold double precision NULL,
    note text NULL,
    source_ref text NULL,
    source_quote text NULL,
    ordinal integer NOT NULL
);
CREATE UNIQUE INDEX ix_dependencies_pair ON dependencies (dependent_id, prerequisite_id);
CREATE INDEX ix_dependencies_agreement ON dependencies (agreement_id);
CREATE TABLE observations (
    id uuid NOT NULL PRIMARY KEY,
    metric_id uuid NOT NULL REFERENCES metrics (id),
    provision_id uuid NOT NULL REFERENCES provisions (id),
    ordinal integer NOT NULL,
    observed_on date NOT NULL,
    value double precision NOT NULL,
    source text NULL,
    verification text NOT NULL,
    recorded_by text NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    classification text NOT NULL,
    owner_organisation_id uuid NULL,
    confidential_to text NULL
);
CREATE INDEX ix_observations_metric ON observations (metric_id, observed_on);
