-- Witnesses of the transparency log (issue 5): organisations whose keys cosign checkpoints they have checked are
-- consistent with the last one they signed. The cosignatures are signed themselves, and kept apart from the notes
-- (which are append-only) so a checkpoint gathers them as they come.
CREATE TABLE log_witnesses (
    vkey TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE log_cosignatures (
    size INTEGER NOT NULL,
    vkey TEXT NOT NULL,
    signature TEXT NOT NULL,
    cosigned_at TEXT NOT NULL,
    PRIMARY KEY (size, vkey)
);
CREATE TRIGGER log_cosignatures_no_update BEFORE UPDATE ON log_cosignatures BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_cosignatures_no_delete BEFORE DELETE ON log_cosignatures BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
