-- The transparency log (ADR-010, ADR-012): every published record is a leaf; the tree's complete subtrees are
-- stored so proofs read at most about 2·log2(n) rows; checkpoints are signed notes. All three are append-only.
CREATE TABLE log_entries (
    idx bigint NOT NULL PRIMARY KEY,
    kind text NOT NULL,
    record_id text NOT NULL,
    corrects bigint NULL,
    body text NOT NULL,
    leaf_hash text NOT NULL,
    published_at timestamp with time zone NOT NULL
);
CREATE UNIQUE INDEX ix_log_entries_leaf_hash ON log_entries (leaf_hash);
CREATE INDEX ix_log_entries_record ON log_entries (kind, record_id, idx);
CREATE TABLE log_nodes (
    level integer NOT NULL,
    idx bigint NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (level, idx)
);
CREATE TABLE log_checkpoints (
    size bigint NOT NULL PRIMARY KEY,
    root_hash text NOT NULL,
    note text NOT NULL,
    created_at timestamp with time zone NOT NULL
);
CREATE FUNCTION log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the log is append-only'; END $$;
CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries FOR EACH ROW EXECUTE FUNCTION log_append_only();
CREATE TRIGGER log_nodes_append_only BEFORE UPDATE OR DELETE ON log_nodes FOR EACH ROW EXECUTE FUNCTION log_append_only();
CREATE TRIGGER log_checkpoints_append_only BEFORE UPDATE OR DELETE ON log_checkpoints FOR EACH ROW EXECUTE FUNCTION log_append_only();
