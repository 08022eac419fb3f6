CREATE TABLE organisations (
    id uuid NOT NULL PRIMARY KEY,
    name text NOT NULL,
    participating boolean NOT NULL,
    party_code text NULL,
    simulated boolean NOT NULL,
    created_at timestamp with time zone NOT NULL
);
CREATE TABLE users (
    id uuid NOT NULL PRIMARY KEY,
    email text NOT NULL,
    display_name text NOT NULL,
    role text NOT NULL,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    password_hash text NOT NULL,
    disabled boolean NOT NULL,
    created_at timestamp with time zone NOT NULL
);
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE TABLE api_tokens (
    id uuid NOT NULL PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    name text NOT NULL,
    token_hash text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NULL,
    revoked_at timestamp with time zone NULL
);
CREATE UNIQUE INDEX ix_api_tokens_token_hash ON api_tokens (token_hash);
CREATE TABLE settings (
    key text NOT NULL PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE audit_entries (
    seq bigint NOT NULL PRIMARY KEY,
    at timestamp with time zone NOT NULL,
    actor text NOT NULL,
    entity_type text NOT NULL,
    entity_id text NOT NULL,
    subject text NOT NULL,
    action text NOT NULL,
    changes text NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
);
CREATE INDEX ix_audit_entries_subject_seq ON audit_entries (subject, seq);
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$;
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
