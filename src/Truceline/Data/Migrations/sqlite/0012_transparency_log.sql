-- The transparency log (ADR-010, ADR-012): every published record is a leaf; the tree's complete subtrees are
-- stored so proofs read at most about 2·log2(n) rows; checkpoints are signed notes. All three are append-only.
CREATE TABLE log_entries (
    idx INTEGER NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    corrects INTEGER NULL,
    body TEXT NOT NULL,
    leaf_hash TEXT NOT NULL,
    published_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ix_log_entries_leaf_hash ON log_entries (leaf_hash);
CREATE INDEX ix_log_entries_record ON log_entries (kind, record_id, idx);
CREATE TABLE log_nodes (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (level, idx)
);
CREATE TABLE log_checkpoints (
    size INTEGER NOT NULL PRIMARY KEY,
    root_hash TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON log_nodes BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
